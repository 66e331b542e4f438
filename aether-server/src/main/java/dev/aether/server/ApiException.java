package dev.aether.server;

import java.util.List;

/**
 * An HTTP answer other than success, thrown by a handler and written by {@link HttpApi}'s error handler as
 * {@code {"error": code, "message": ..., "fields": [...]}}. Package-private: never leaves the server.
 */
final class ApiException extends RuntimeException {

  /** One field error: the field's path and what is wrong with it. */
  record Field(String field, String message) {}

  private final int status;
  private final String code;
  private final List<Field> fields;

  ApiException(int status, String code, String message) {
    this(status, code, message, List.of());
  }

  ApiException(int status, String code, String message, List<Field> fields) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.fields = List.copyOf(fields);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  List<Field> fields() {
    return fields;
  }

  static ApiException badRequest(String field, String message) {
    return new ApiException(400, "INVALID_INPUT", field + ": " + message, List.of(new Field(field, message)));
  }

  static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  /** @return the answer of a route that needs a model when the node has none */
  static ApiException noModel() {
    return notFound("NO_MODEL", "no model is loaded (PUT /v1/model, or start the node with --model FILE)");
  }
}
