package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.event.PayloadLimits;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link JsonValues#encodedSize} is the exact size of the JSON Jackson (and so the event writer) makes, and the
 * copier's bound is never below it: the size limit relies on both.
 */
class JsonValuesProperties {

  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Property(tries = 1000)
  void encodedSize_isTheSizeOfJacksonsJson_andTheCopiersBoundIsAbove(@ForAll("values") Object value)
      throws Exception {
    // given
    JsonValues.Copier copier = new JsonValues.Copier(PayloadLimits.CEILINGS);
    // when
    Object copy = copier.copyValue(value, "v");
    long exact = JsonValues.encodedSize(copy);
    // then
    assertThat(exact).isEqualTo(JACKSON.writeValueAsBytes(copy).length);
    assertThat(copier.sizeBound()).isGreaterThanOrEqualTo(exact);
  }

  @Provide
  Arbitrary<Object> values() {
    Arbitrary<Object> leaf = Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(20).map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.doubles().map(Object.class::cast),
        Arbitraries.of(true, false).map(Object.class::cast),
        Arbitraries.just((Object) null));
    return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.oneOf(
        Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(8), inner).ofMaxSize(4).map(Object.class::cast),
        inner.list().ofMaxSize(4).map(Object.class::cast)), 0, 5);
  }
}
