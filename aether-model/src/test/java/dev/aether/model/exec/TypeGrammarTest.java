package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.InvalidInputException;
import dev.aether.model.Model;
import dev.aether.model.StateFieldDef;
import dev.aether.model.expr.FieldType;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The structural check ({@code Model.validate()}) refuses exactly the type strings {@code FieldType} refuses. */
class TypeGrammarTest {

  @Provide
  Arbitrary<String> typeTexts() {
    Arbitrary<String> words = Arbitraries.of("string", "int", "integer", "double", "number", "bool", "boolean",
        "timestamp", "list", "map", "object", "money", "<", ">", ",", " ", "list<", "map<string,", "map<int,");
    return words.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join("", parts));
  }

  @Property(tries = 2000)
  void coreAcceptsExactlyTheTypesFieldTypeParses(@ForAll("typeTexts") String type) {
    boolean celAccepts;
    try {
      FieldType.parse(type);
      celAccepts = true;
    } catch (InvalidInputException e) {
      celAccepts = false;
    }
    Model model = new Model("m", "1", List.of(new dev.aether.model.AggregateDef("A",
        List.of(new StateFieldDef("f", type, null)), List.of(), List.of(), List.of())), List.of(), List.of());
    boolean coreAccepts = model.validate().stream().noneMatch(e -> e.path().endsWith(".type"));

    assertThat(coreAccepts).as(type).isEqualTo(celAccepts);
  }
}
