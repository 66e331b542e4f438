package dev.aether.model.expr;

import dev.aether.InvalidInputException;
import dev.cel.runtime.CelVariableResolver;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The values of one evaluation, converted for the compiled programs of one {@link ExpressionScope}; made by
 * {@link ExpressionScope#bind(Map)}. Bind once and evaluate every guard and mapping of a command against
 * the same bindings. Immutable once made and safe to share between threads, provided the maps it was made
 * from are not changed.
 */
public final class Bindings {

  private final ExpressionScope scope;
  private final Map<String, Object> values;
  private final CelVariableResolver resolver;

  Bindings(ExpressionScope scope, Map<String, Object> values) {
    this.scope = scope;
    this.values = values;
    this.resolver = name -> Optional.ofNullable(values.get(name));
  }

  /**
   * The scope these values were bound for.
   *
   * @return the scope
   */
  public ExpressionScope scope() {
    return scope;
  }

  /**
   * The same bindings with one variable bound to another value; this instance is unchanged. Lets a caller
   * convert slowly changing values once (an aggregate's state, per state version) and bind the per-call
   * ones (the command, {@code now}) on top: {@code stateBindings.with("cmd", payload).with("now", now)}.
   *
   * @param name a variable of the scope
   * @param value its value, converted as by {@link ExpressionScope#bind(Map)}; {@code null} unbinds it
   * @return new bindings
   * @throws InvalidInputException when the scope declares no such variable, or the value does not fit
   */
  public Bindings with(String name, Object value) {
    Declaration declaration = scope.declarations().get(name);
    if (declaration == null) {
      throw new InvalidInputException(String.valueOf(name), "is not a variable of " + scope);
    }
    Map<String, Object> copy = new HashMap<>(values);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, declaration.toCel(value, name));
    }
    return new Bindings(scope, copy);
  }

  /**
   * Tells whether a variable has a value.
   *
   * @param name the variable name
   * @return {@code true} when the bound values hold it
   */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  CelVariableResolver resolver() {
    return resolver;
  }

  @Override
  public String toString() {
    return "Bindings" + values.keySet();
  }
}
