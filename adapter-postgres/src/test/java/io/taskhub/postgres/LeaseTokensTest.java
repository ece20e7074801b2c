package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Lease tokens fence commits: the ones handed out by many threads at once never repeat, and read as UUIDs. */
class LeaseTokensTest {

    @Test
    void tokensOfManyThreads_areAllDistinct_andReadAsUuids() throws Exception {
        int threads = 8;
        int each = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> made = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                made.add(pool.submit(() -> {
                    List<String> tokens = new ArrayList<>(each);
                    for (int i = 0; i < each; i++) {
                        tokens.add(LeaseTokens.next());
                    }
                    return tokens;
                }));
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> f : made) {
                for (String token : f.get(60, TimeUnit.SECONDS)) {
                    assertThat(all.add(token)).as("a token handed out twice: %s", token).isTrue();
                }
            }
            assertThat(all).hasSize(threads * each);
            String one = all.iterator().next();
            assertThat(UUID.fromString(one).toString()).isEqualTo(one);
        } finally {
            pool.shutdownNow();
        }
    }
}
