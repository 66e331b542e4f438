package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.nats.client.ConnectionListener.Events;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class Slf4jErrorListenerTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.aether.nats.client");
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Slf4jErrorListener listener = new Slf4jErrorListener();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
    logger.setLevel(null);
  }

  private List<String> at(Level level) {
    return logged.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void anOutage_isOneWarningAndOneRecovery_notAWarningPerReconnectAttempt_andNoPassword() {
    listener.connectionEvent(null, Events.CONNECTED, null, null);
    listener.exceptionOccurred(null, new IOException("Connection refused: nats://u:S3cret@h:4222"));
    listener.connectionEvent(null, Events.DISCONNECTED, null, null);
    for (int attempt = 0; attempt < 50; attempt++) {
      listener.exceptionOccurred(null, new IOException("Connection refused"));
    }
    listener.connectionEvent(null, Events.DISCONNECTED, null, null);
    listener.connectionEvent(null, Events.RECONNECTED, null, "nats://u:S3cret@h:4222");

    assertThat(at(Level.WARN)).hasSize(2).allSatisfy(m -> assertThat(m).doesNotContain("S3cret"));
    assertThat(at(Level.WARN).get(1)).contains("lost");
    assertThat(at(Level.INFO)).singleElement().asString().contains("back after").contains("nats://u:****@h:4222");
    listener.exceptionOccurred(null, new IOException("later"));
    assertThat(at(Level.WARN)).hasSize(3); // connected again: a new problem is a warning again
  }

  @Test
  void aConnectThatNeverSucceeds_logsNothingAboveDebug_itsCallerHearsOfIt() {
    listener.exceptionOccurred(null, new IOException("Connection refused"));
    listener.connectionEvent(null, Events.DISCONNECTED, null, null);
    listener.exceptionOccurred(null, new IOException("Connection refused"));

    assertThat(at(Level.WARN)).isEmpty();
    assertThat(at(Level.INFO)).isEmpty();
    assertThat(listener.lastError()).get().asString().contains("Connection refused");
  }
}
