package dev.aether.model.expr;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableMap;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The mapping between {@link FieldType} and CEL types, the struct types that make record fields
 * type-checked, and the rule for which result types fit a target type.
 *
 * <p>A record variable ({@code cmd}) is declared as a CEL struct type named like the variable, whose fields
 * are exactly the declared ones; the checker then refuses {@code cmd.amout} ("undefined field") and types
 * {@code cmd.amount} as {@code int}. At run time the record is a plain {@code Map}, which CEL selects
 * fields from; no protobuf descriptor is involved. Naming the type like the variable keeps messages short
 * ({@code (int, cmd)}) and makes {@code cmd{...}} a compile error ("'cmd' is not a type").
 */
final class CelTypes {

  private CelTypes() {}

  static CelType of(FieldType type) {
    return switch (type) {
      case FieldType.Scalar scalar -> switch (scalar) {
        case STRING -> SimpleType.STRING;
        case INT -> SimpleType.INT;
        case DOUBLE -> SimpleType.DOUBLE;
        case BOOL -> SimpleType.BOOL;
        case TIMESTAMP -> SimpleType.TIMESTAMP;
      };
      case FieldType.ListOf list -> ListType.create(of(list.element()));
      case FieldType.MapOf map -> MapType.create(SimpleType.STRING, of(map.value()));
    };
  }

  static StructType struct(String name, Map<String, FieldType> fields) {
    Map<String, CelType> types = new LinkedHashMap<>();
    fields.forEach((field, type) -> types.put(field, of(type)));
    ImmutableMap<String, CelType> immutable = ImmutableMap.copyOf(types);
    return StructType.create(name, immutable.keySet(), field -> Optional.ofNullable(immutable.get(field)));
  }

  static CelTypeProvider provider(Iterable<StructType> structs) {
    ImmutableMap.Builder<String, CelType> byName = ImmutableMap.builder();
    structs.forEach(s -> byName.put(s.name(), s));
    return new StructProvider(byName.buildOrThrow());
  }

  /**
   * Tells whether a checked result type may be assigned to a target type: the same type; {@code dyn} (or
   * an unresolved type parameter, as in {@code []}), checked again on the value at run time; or {@code int}
   * where {@code double} is expected (widened), also inside lists and maps.
   */
  static boolean assignable(FieldType target, CelType actual) {
    if (actual.kind() == CelKind.DYN || actual.kind() == CelKind.TYPE_PARAM) {
      return true;
    }
    return switch (target) {
      case FieldType.Scalar scalar -> actual.kind() == of(scalar).kind()
          || (scalar == FieldType.DOUBLE && actual.kind() == CelKind.INT);
      case FieldType.ListOf list -> actual instanceof ListType l && assignable(list.element(), l.elemType());
      case FieldType.MapOf map -> actual instanceof MapType m
          && (m.keyType().kind() == CelKind.STRING || m.keyType().kind() == CelKind.DYN
              || m.keyType().kind() == CelKind.TYPE_PARAM)
          && assignable(map.value(), m.valueType());
    };
  }

  /** Names a CEL type the way the model writes types ({@code list<int>}, {@code timestamp}). */
  static String display(CelType type) {
    return switch (type.kind()) {
      case LIST -> "list<" + display(((ListType) type).elemType()) + ">";
      case MAP -> "map<" + display(((MapType) type).keyType()) + "," + display(((MapType) type).valueType()) + ">";
      case TIMESTAMP -> "timestamp";
      case DURATION -> "duration";
      case NULL_TYPE -> "null";
      case TYPE_PARAM -> "dyn";
      default -> type.name();
    };
  }

  private record StructProvider(ImmutableMap<String, CelType> byName) implements CelTypeProvider {

    @Override
    public ImmutableCollection<CelType> types() {
      return byName.values();
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return Optional.ofNullable(byName.get(typeName));
    }
  }
}
