package dev.aether.model.expr;

import dev.cel.common.CelOptions;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one CEL configuration of Aether's expressions: CEL's current options (which already give native Java
 * values, such as {@code Instant} for timestamps) plus comparisons between {@code int} and {@code double}
 * (which the planner runtime requires); the standard
 * library and the standard macros ({@code has}, {@code all}, {@code exists}, {@code exists_one},
 * {@code map}, {@code filter}); integer overflow is an error. The runtime is CEL's program planner, shared
 * by every compiler (it holds no per-scope state and is thread-safe).
 */
final class CelSetup {

  static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .build();

  static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder().setOptions(OPTIONS).build();

  private CelSetup() {}

  /** Builds the type checker for a scope: one struct type per record, one variable per declaration. */
  static CelCompiler compiler(ExpressionScope scope) {
    CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS);
    List<StructType> structs = new ArrayList<>();
    for (Map.Entry<String, Declaration> entry : scope.declarations().entrySet()) {
      String name = entry.getKey();
      switch (entry.getValue()) {
        case Declaration.Variable v -> builder.addVar(name, CelTypes.of(v.type()));
        case Declaration.Record r -> {
          StructType struct = CelTypes.struct(name, r.fields());
          structs.add(struct);
          builder.addVar(name, struct);
        }
      }
    }
    return builder.setTypeProvider(CelTypes.provider(structs)).build();
  }
}
