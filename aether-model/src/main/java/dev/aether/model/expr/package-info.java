/**
 * CEL expressions of an EventStorming model, compiled and type-checked once at load time and evaluated on
 * the hot path: {@link dev.aether.model.expr.FieldType} (the model's field types),
 * {@link dev.aether.model.expr.ExpressionScope} (typed variables and records such as {@code state},
 * {@code cmd}, {@code event}, {@code now}), {@link dev.aether.model.expr.ExpressionCompiler} (compile with
 * a path, get every error or a {@link dev.aether.model.expr.CompiledExpression}), and
 * {@link dev.aether.model.expr.Bindings} (the values of one evaluation). The conventions the model
 * executor relies on (value representation, timestamps, numbers) are in the module README.
 */
package dev.aether.model.expr;
