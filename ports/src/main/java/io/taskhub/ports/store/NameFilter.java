package io.taskhub.ports.store;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which orchestrator or activity names a claim may take: a worker takes only work it can run, so that work for
 * a name it does not have waits for a worker that has it (a rolling deployment, plugins that differ between
 * workers). Names match case-insensitively (ASCII), as registrations do.
 */
public final class NameFilter {
    /** Any name: a store's claim without a filter. */
    public static final NameFilter ANY = new NameFilter(null);

    private final Set<String> lowerCaseNames;

    private NameFilter(Set<String> lowerCaseNames) {
        this.lowerCaseNames = lowerCaseNames;
    }

    /** Only these names (none at all when empty). */
    public static NameFilter only(Collection<String> names) {
        Set<String> lower = new TreeSet<>();
        names.forEach(name -> lower.add(lowerCase(name)));
        return new NameFilter(Set.copyOf(lower));
    }

    public boolean isAny() {
        return lowerCaseNames == null;
    }

    public boolean accepts(String name) {
        return isAny() || (name != null && lowerCaseNames.contains(lowerCase(name)));
    }

    /** The accepted names in lower case, sorted; only for a filter that is not {@link #ANY}. */
    public Set<String> lowerCaseNames() {
        if (isAny()) {
            throw new IllegalStateException("NameFilter.ANY has no list of names.");
        }
        return lowerCaseNames;
    }

    /** The lower case every backend compares with (SQL lower() of ASCII names). */
    public static String lowerCase(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return isAny() ? "any name" : lowerCaseNames.toString();
    }
}
