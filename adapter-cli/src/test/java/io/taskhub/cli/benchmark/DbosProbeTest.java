package io.taskhub.cli.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading the DBOS probe's figures, and pointing it at the benchmark's server. */
class DbosProbeTest {
    @Test
    void theProbesLine_isReadAmongMavensOutput() {
        DbosProbe.Figures figures = DbosProbe.parse("[INFO] Running ThroughputIT\n"
                + "DBOS 1.1.0-m6: sequential 3.25 ms/workflow; 1000 workflows in 2.17 s = 461 workflows/s\n"
                + "[INFO] Tests run: 1\n");

        assertThat(figures).isEqualTo(new DbosProbe.Figures("1.1.0-m6", 3.25, 1000, 461, Double.NaN));
    }

    @Test
    void outputWithoutFigures_isAnErrorThatShowsTheOutput() {
        assertThatThrownBy(() -> DbosProbe.parse("BUILD FAILURE"))
                .hasMessageContaining("printed no figures").hasMessageContaining("BUILD FAILURE");
    }

    @Test
    void theProbeUsesItsOwnDatabase_onTheSameServer_withTheSameParameters() {
        assertThat(DbosProbe.databaseUrl("jdbc:postgresql://127.0.0.1:5432/postgres", "dbos_probe"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/dbos_probe");
        assertThat(DbosProbe.databaseUrl("jdbc:postgresql://db.example:6543/app?sslmode=require", "dbos_probe"))
                .isEqualTo("jdbc:postgresql://db.example:6543/dbos_probe?sslmode=require");
        assertThat(DbosProbe.databaseUrl("jdbc:postgresql://localhost", "dbos_probe"))
                .isEqualTo("jdbc:postgresql://localhost/dbos_probe");
        assertThatThrownBy(() -> DbosProbe.databaseUrl("jdbc:mysql://x/y", "dbos_probe"))
                .hasMessageContaining("not a jdbc:postgresql:// URL");
    }

    @Test
    void thePassword_isNotShownInMessages() {
        assertThat(DbosProbe.shown(java.util.List.of("mvn", "-Dit.pg.user=app", "-Dit.pg.password=secret")))
                .isEqualTo("mvn -Dit.pg.user=app -Dit.pg.password=***");
    }
}
