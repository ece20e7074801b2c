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
    public static final NameFilter ANY = new NameFilter(null, false);

    private final Set<String> lowerCaseNames;
    private final boolean excluding;

    private NameFilter(Set<String> lowerCaseNames, boolean excluding) {
        this.lowerCaseNames = lowerCaseNames;
        this.excluding = excluding;
    }

    /** Only these names (none at all when empty). */
    public static NameFilter only(Collection<String> names) {
        return new NameFilter(lowerCased(names), false);
    }

    /**
     * Every name but these (any name when empty): how a worker finds work that no live worker runs, to fail it
     * once it has waited too long.
     */
    public static NameFilter except(Collection<String> names) {
        return new NameFilter(lowerCased(names), true);
    }

    private static Set<String> lowerCased(Collection<String> names) {
        Set<String> lower = new TreeSet<>();
        names.forEach(name -> lower.add(lowerCase(name)));
        return Set.copyOf(lower);
    }

    public boolean isAny() {
        return lowerCaseNames == null;
    }

    /** Whether {@link #lowerCaseNames()} are the names refused (else the names accepted). */
    public boolean isExcluding() {
        return excluding;
    }

    public boolean accepts(String name) {
        return isAny() || (name != null && lowerCaseNames.contains(lowerCase(name)) != excluding);
    }

    /**
     * The names in lower case, sorted: accepted, or refused when {@link #isExcluding()}; only for a filter that
     * is not {@link #ANY}.
     */
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

    /** Filters are equal when made alike: the same names, accepted or refused ({@link #ANY} only to itself). */
    @Override
    public boolean equals(Object other) {
        return other instanceof NameFilter that && excluding == that.excluding
                && java.util.Objects.equals(lowerCaseNames, that.lowerCaseNames);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(lowerCaseNames, excluding);
    }

    @Override
    public String toString() {
        return isAny() ? "any name" : (excluding ? "any name but " : "") + lowerCaseNames;
    }
}
