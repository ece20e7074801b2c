package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.store.ActivityTask;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The entry of an activity handed without a task row (V18) is written out by hand: it must be the very text a JSON
 * array of its fields prints as (entries written by the previous version are read back, and the statements that
 * fence a result compare entries as text), and {@link StepCalls#taskOf} must read every field back.
 */
class StepCallsEntryTest {

    @Test
    void anEntry_isTheTextOfItsFieldsAsAJsonArray_andReadsBack() {
        List<String> awkward = Arrays.asList(null, "", "\"Tokyo\"", "{\"a\":[1,2,{\"b\":null}]}",
                "back\\slash / slash", "tab\tnew\nline\rreturn\bbell\ffeed", "\u0000\u0001\u001f\u007f",
                "caf\u00e9 \u65e5\u672c \ud83d\ude00", "</script>", "\u2028\u2029");
        for (String text : awkward) {
            ActivityTask task = new ActivityTask("instance-1", "exec-" + text, 7, "Say" + text, text,
                    text == null ? null : "00-" + text);
            String token = "token-" + text;

            String entry = StepCalls.entry(task, token);

            assertThat(entry).isEqualTo(JsonCodec.mapper().createArrayNode().add(task.executionId())
                    .add(task.taskId()).add(token).add(task.name()).add(task.input()).add(task.traceParent())
                    .toString());
            assertThat(StepCalls.taskOf("instance-1", entry)).isEqualTo(task);
        }
    }
}
