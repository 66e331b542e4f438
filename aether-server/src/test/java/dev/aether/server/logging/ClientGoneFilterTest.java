package dev.aether.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.RequestException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ClientGoneFilterTest {

  private final ClientGoneFilter filter = new ClientGoneFilter();
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.helidon.webserver.http1.Http1Connection");

  private FilterReply decide(Throwable thrown) {
    return filter.decide(new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "Internal server error", thrown,
        null));
  }

  @Test
  void aClientThatHungUpMidRequest_isDropped_everythingElsePasses() {
    assertThat(decide(RequestException.builder().message("Internal error")
        .cause(new DataReader.InsufficientDataAvailableException()).build())).isEqualTo(FilterReply.DENY);
    assertThat(decide(new IllegalStateException("a real bug"))).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(null)).isEqualTo(FilterReply.NEUTRAL);
  }
}
