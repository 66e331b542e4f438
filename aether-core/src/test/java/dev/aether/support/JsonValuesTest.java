package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import dev.aether.event.PayloadLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The iterative copy of {@link JsonValues}: paths of refusals at every level, copies equal to the source. */
class JsonValuesTest {

  private static final PayloadLimits SMALL = PayloadLimits.builder().maxDepth(3).maxStringLength(4).build();

  @Test
  @SuppressWarnings("unchecked")
  void copy_ofMixedNesting_equalsTheSourceAndIsUnmodifiable() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("list", new ArrayList<>(List.of(1, Map.of("k", List.of()), new Object[] {"a", 'b'})));
    source.put("empty", Map.of());
    // data, list, map, list: four levels
    Map<String, Object> copy = new JsonValues.Copier(PayloadLimits.builder().maxDepth(4).build())
        .copyObject(source, "data");
    assertThat(copy).isEqualTo(Map.of("list", List.of(1L, Map.of("k", List.of()), List.of("a", "b")), "empty", Map.of()));
    assertThat(copy.get("list")).isInstanceOf(List.class);
    assertThatExceptionOfType(UnsupportedOperationException.class)
        .isThrownBy(() -> ((List<Object>) copy.get("list")).add(1));
  }

  @Test
  void refusals_nameThePathOfTheRefusedElement_atEveryLevel() {
    assertRefused(Map.of("a", List.of("ok", List.of("toolong"))), "data.a[1][0]");
    assertRefused(Map.of("a", List.of("ok", List.of(List.of()))), "data.a[1][0]");
    assertRefused(Map.of("a", Map.of("toolongkey", 1)), "data.a");
    assertRefused(Map.of("a", List.of(Double.NaN)), "data.a[0]");
    assertRefused(Map.of("b", Map.of("c", new Object())), "data.b.c");
  }

  @Test
  void aCopierCopiesSeveralValues_andCountsThemAll() {
    JsonValues.Copier copier = new JsonValues.Copier(PayloadLimits.DEFAULTS);
    copier.copyObject(Map.of("a", "x"), "data");
    long afterData = copier.sizeBound();
    copier.stringMap(Map.of("k", "v"), "metadata");
    assertThat(afterData).isGreaterThanOrEqualTo(JsonValues.encodedSize(Map.of("a", "x")));
    assertThat(copier.sizeBound()).isGreaterThan(afterData);
  }

  private static void assertRefused(Map<String, ?> source, String path) {
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> new JsonValues.Copier(SMALL).copyObject(source, "data"))
        .extracting(InvalidInputException::field).isEqualTo(path);
  }
}
