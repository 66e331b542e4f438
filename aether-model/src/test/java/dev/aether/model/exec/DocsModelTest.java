package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.model.Model;
import dev.aether.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The YAML examples of docs/model.md load and compile, so the documentation cannot drift from the code. */
class DocsModelTest {

  private static List<String> yamlBlocks() throws Exception {
    String doc = Files.readString(Path.of("../docs/model.md"));
    List<String> blocks = new ArrayList<>();
    int at = 0;
    while ((at = doc.indexOf("```yaml\n", at)) >= 0) {
      int end = doc.indexOf("```\n", at + 8);
      blocks.add(doc.substring(at + 8, end));
      at = end;
    }
    return blocks;
  }

  private static String block(String startsWith) throws Exception {
    return yamlBlocks().stream().filter(b -> b.startsWith(startsWith)).findFirst().orElseThrow();
  }

  @Test
  void aggregateExample_compiles() throws Exception {
    Model model = ModelLoader.fromYaml("name: doc\n" + block("aggregates:"));

    assertThat(CompiledModel.compile(model).behavior("Account")).isPresent();
  }

  @Test
  void policyExample_compilesAgainstTheBankModel() throws Exception {
    String bank = BankModel.yaml();
    String text = bank.substring(0, bank.indexOf("policies:")) + block("policies:");

    assertThat(CompiledModel.compile(ModelLoader.fromYaml(text)).warnings()).isEmpty();
  }

  @Test
  void readModelExample_compilesAgainstTheOrderModel() throws Exception {
    String orders = BankModel.resource("orders.yaml");
    String text = orders.substring(0, orders.indexOf("readModels:")) + block("readModels:");

    assertThat(CompiledModel.compile(ModelLoader.fromYaml(text)).model().readModels()).hasSize(1);
  }
}
