package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An optional field mapped by name from an optional one ({@code note: cmd.note}, {@code remark: cmd.note}) is
 * absent when its source is, as a copy (found by a model author: the expression failed, BEHAVIOR_FAILED).
 */
class OptionalMappingTest {

  private static final String MODEL = """
      name: notes
      version: "1"
      aggregates:
        - name: Pad
          commands:
            - name: Write
              fields: [{name: note, type: string, optional: true}]
              emits: [{event: Written, data: {note: cmd.note, remark: " cmd.note ", copy: "cmd.note + '!'"}}]
          events:
            - name: Written
              fields:
                - {name: note, type: string, optional: true}
                - {name: remark, type: string, optional: true}
                - {name: copy, type: string, optional: true}
      """;

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final Runtime runtime = Runtime.builder().eventStore(store).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void absentWhenTheSourceIsAbsent_presentWhenItIsThere_andAnyOtherExpressionStillNeedsHas() {
    runtime.loadModel(ModelLoader.fromYaml(MODEL));
    runtime.start();
    assertThat(runtime.sendMessage(RuntimeMessage.of("Pad", "p", "Write", Map.of("note", "hi"))).join().isAccepted())
        .isTrue();
    List<Event> written = store.getEvents("Pad/p", 1);
    assertThat(written.getFirst().data()).isEqualTo(Map.of("note", "hi", "remark", "hi", "copy", "hi!"));

    var without = runtime.sendMessage(RuntimeMessage.of("Pad", "q", "Write", Map.of())).join();
    assertThat(without.isAccepted()).as("an expression that reads the absent field still fails: %s", without)
        .isFalse();
    String noCopy = MODEL.replace(", copy: \"cmd.note + '!'\"", "");
    runtime.loadModel(ModelLoader.fromYaml(noCopy.replace("version: \"1\"", "version: \"2\"")));
    // another actor: q's VM is being passivated by the model change (a command may meet it stopping)
    var absent = runtime.sendMessage(RuntimeMessage.of("Pad", "r", "Write", Map.of())).join();
    assertThat(absent.isAccepted()).as("%s", absent).isTrue();
    assertThat(store.getEvents("Pad/r", 1).getFirst().data()).isEmpty();
  }
}
