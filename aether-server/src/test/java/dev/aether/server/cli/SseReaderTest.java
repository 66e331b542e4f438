package dev.aether.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {

  @Test
  void read_dispatchesOnBlankLines_joinsDataLines_skipsCommentsAndEmptyEvents() throws IOException {
    String stream = ": keep-alive\n\nid: 1\nevent: Deposited\ndata: {\"a\":\ndata:1}\n\n"
        + "id:2\ndata:{}\n\nretry: 100\n\nid: 3\ndata: last\n";
    List<NodeClient.SseEvent> events = new ArrayList<>();
    SseReader.read(new BufferedReader(new StringReader(stream)), events::add);
    assertThat(events).containsExactly(
        new NodeClient.SseEvent("1", "Deposited", "{\"a\":\n1}"),
        new NodeClient.SseEvent("2", "", "{}"));
  }

  @Test
  void read_theLastIdStaysForLaterEventsWithoutOne() throws IOException {
    List<NodeClient.SseEvent> events = new ArrayList<>();
    SseReader.read(new BufferedReader(new StringReader("id: 7\ndata: x\n\ndata: y\n\n")), events::add);
    assertThat(events).extracting(NodeClient.SseEvent::id).containsExactly("7", "7");
  }
}
