package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.model.FieldDef;
import dev.aether.model.expr.FieldType;
import dev.aether.runtime.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadValidatorTest {

  private static PayloadValidator validator(FieldDef... fields) {
    Map<String, FieldType> types = new LinkedHashMap<>();
    for (FieldDef f : fields) {
      types.put(f.name(), FieldType.parse(f.type()));
    }
    return new PayloadValidator(List.of(fields), types);
  }

  private static FieldDef field(String name, String type, Number min, Number max, String pattern, Object... allowed) {
    return new FieldDef(name, type, false, min, max, pattern, List.of(allowed));
  }

  @Test
  void validPayload_passes() {
    PayloadValidator v = validator(FieldDef.of("n", "int"), FieldDef.of("d", "double"), FieldDef.of("b", "bool"),
        FieldDef.of("t", "timestamp"), FieldDef.of("xs", "list<string>"), FieldDef.of("m", "map<string,double>"),
        FieldDef.optional("o", "string"));

    assertThat(v.validate(Map.of("n", 1L, "d", 2L, "b", true, "t", "2026-11-27T00:00:00Z",
        "xs", List.of("a"), "m", Map.of("k", 1.5)))).isEmpty();
  }

  @Test
  void wrongTypes_areReported_deeply() {
    PayloadValidator v = validator(FieldDef.of("n", "int"), FieldDef.of("d", "double"), FieldDef.of("t", "timestamp"),
        FieldDef.of("xs", "list<int>"), FieldDef.of("m", "map<string,bool>"));

    List<FieldError> errors = v.validate(Map.of("n", 1.5, "d", "x", "t", "yesterday", "xs", List.of(1L, "two"),
        "m", Map.of("k", 1L)));

    assertThat(errors).containsExactlyInAnyOrder(
        new FieldError("payload.n", "expected int, found double 1.5"),
        new FieldError("payload.d", "expected double, found string 'x'"),
        new FieldError("payload.t", "expected timestamp, found string 'yesterday'"),
        new FieldError("payload.xs[1]", "expected int, found string 'two'"),
        new FieldError("payload.m.k", "expected bool, found int 1"));
  }

  @Test
  void constraints_areChecked_forNumbersStringsAndLists() {
    PayloadValidator v = validator(field("n", "int", 1, 10, null), field("s", "string", 2, 3, "[a-z]+"),
        field("xs", "list<int>", null, 1, null), field("c", "string", null, null, null, "EUR", "USD"),
        field("k", "int", null, null, null, 1, 2));

    assertThat(v.validate(Map.of("n", 11L, "s", "ABCD", "xs", List.of(1L, 2L), "c", "GBP", "k", 3L)))
        .extracting(FieldError::toString).containsExactlyInAnyOrder(
            "payload.n: must be at most 10, was 11",
            "payload.s: must have at most 3 characters, was 4",
            "payload.s: must match [a-z]+",
            "payload.xs: must hold at most 1 element, was 2",
            "payload.c: must be one of [EUR, USD], was GBP",
            "payload.k: must be one of [1, 2], was 3");
    assertThat(v.validate(Map.of("n", 1L, "s", "ab", "xs", List.of(), "c", "EUR", "k", 2L))).isEmpty();
  }

  @Test
  void missingRequired_andUnknownFields_areReported() {
    PayloadValidator v = validator(FieldDef.of("a", "int"), FieldDef.optional("b", "int"));

    assertThat(v.validate(Map.of("c", 1L))).extracting(FieldError::path)
        .containsExactlyInAnyOrder("payload.c", "payload.a");
  }
}
