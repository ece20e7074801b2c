package io.taskhub.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.ProvisionException;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.Refusal;
import io.taskhub.ports.errors.StartTimeoutException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.UnknownTaskHubException;
import io.taskhub.ports.model.ManagementOperation;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.runtime.config.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one mapping from exceptions to the README's exit codes, without starting a JVM per case. */
class ExitCodesTest {
    @Test
    void everyKindOfFailure_hasItsDocumentedCode() {
        assertThat(ExitCodes.of(new InvalidArgumentException("bad"))).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.of(new InstanceNotFoundException("x"))).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(ExitCodes.of(new UnknownTaskHubException("Other", "not served"))).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(ExitCodes.of(new InstanceAlreadyExistsException("x", RuntimeStatus.Running)))
                .isEqualTo(ExitCodes.CONFLICT);
        assertThat(ExitCodes.of(new IllegalInstanceStateException("x", ManagementOperation.SUSPEND,
                RuntimeStatus.Suspended, Refusal.CONFLICT, "already"))).isEqualTo(ExitCodes.CONFLICT);
        assertThat(ExitCodes.of(new ConfigurationException("Setting 'x'"))).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new StorageException("down"))).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(ExitCodes.FAILURE);
    }

    @Test
    void aStartNotAcknowledgedInTime_isTimedOut_notUnavailable() {
        assertThat(ExitCodes.of(new StartTimeoutException("order-7", Duration.ofSeconds(30))))
                .isEqualTo(ExitCodes.TIMED_OUT);
    }

    @Test
    void whatGuiceWraps_isMappedByItsCause() {
        assertThat(ExitCodes.of(new ProvisionException("wrapped", new ConfigurationException("Setting 'y'"))))
                .isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
