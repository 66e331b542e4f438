package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever is broken in a model, loading lists problems rather than failing otherwise: the compiler runs next
 * to the structural check, so it must cope with every shape of broken model (null elements, missing names,
 * unknown types and references, duplicates, wrong shapes).
 */
class BrokenModelProperties {

  /** One edit of one line of the bank model's YAML. */
  record Edit(int line, int kind, String value) {}

  private static final List<String> VALUES = List.of("", "~", "Nope", "Account.Nope", "integr", "list", "1 +",
      "cmd.nope", "state.balance", "[]", "{}", "3", "Deposited", "Account", "in", "\"$x\"", "- ~");

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 200),
        Arbitraries.integers().between(0, 3), Arbitraries.of(VALUES)).as(Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 300)
  void aBrokenModel_isRefusedWithItsProblems_neverWithAnotherFailure(@ForAll("edits") List<Edit> edits) {
    String yaml = apply(BankModel.yaml(), edits);

    Throwable thrown = catchThrowable(() -> CompiledModel.fromYaml(yaml));

    if (thrown != null) {
      assertThat(thrown).isInstanceOf(InvalidModelException.class);
      assertThat(((InvalidModelException) thrown).errors()).isNotEmpty().allSatisfy(e ->
          assertThat(e.id()).isNotEqualTo(ModelError.NO_BEHAVIOR));
    }
  }

  /** Replaces a line's value, deletes the line, duplicates it, or inserts a list element. */
  private static String apply(String yaml, List<Edit> edits) {
    List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
    for (Edit edit : edits) {
      int i = edit.line() % lines.size();
      String line = lines.get(i);
      switch (edit.kind()) {
        case 0 -> {
          int colon = line.indexOf(": ");
          lines.set(i, colon < 0 ? line : line.substring(0, colon + 2) + edit.value());
        }
        case 1 -> lines.remove(i);
        case 2 -> lines.add(i, line);
        default -> lines.add(i, line.replaceAll("\\S.*", Matcher.quoteReplacement("- " + edit.value())));
      }
    }
    return String.join("\n", lines);
  }
}
