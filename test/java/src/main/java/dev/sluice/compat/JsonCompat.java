package dev.sluice.compat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

import java.io.BufferedReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs Apache Kafka's JsonConverter (or SimpleHeaderConverter) over a corpus written by Sluice's compatibility test.
 *
 * <p>Input: JSON lines, one case each:
 * <pre>
 * {"id": "...", "kind": "json" | "header", "config": {...}, "isKey": false,
 *  "schema": "&lt;Kafka JSON schema text&gt;" | null,   -- the value's schema, in Kafka's own schema JSON
 *  "value": &lt;neutral value&gt;,                        -- optional: Kafka writes this value  -> javaBytes
 *  "bytes": "&lt;base64&gt;" | null}                     -- optional: Kafka reads these bytes -> decoded
 * </pre>
 * Neutral values are tagged so no type is lost: {"t":"int8|int16|int32|int64","v":"decimal"},
 * {"t":"float32|float64","v":"IEEE bits in hex"}, {"t":"boolean","v":true}, {"t":"string","v":"..."},
 * {"t":"bytes","v":"base64"}, {"t":"decimal","v":"unscaled","scale":n}, {"t":"datetime","v":"epoch ms"},
 * {"t":"array","v":[...]}, {"t":"map","v":[[k,v],...]}, {"t":"struct","v":[["field",value],...]}, or null.
 *
 * <p>Output: one JSON line per case: {"id", "javaBytes", "writeError", "decodedOurs", "readError",
 * "decodedJava", "readJavaError"} where decoded* = {"schema": "&lt;schema text or descriptor&gt;", "value": neutral}:
 * decodedOurs is Kafka reading the given bytes, decodedJava is Kafka reading back what it wrote.
 */
public final class JsonCompat {
    private static final ObjectMapper CORPUS = new ObjectMapper();
    /** Parses schema text as Kafka's JsonDeserializer would (exact decimals). */
    private static final ObjectMapper KAFKA_LIKE = new ObjectMapper()
            .setNodeFactory(new JsonNodeFactory(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonCompat() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: JsonCompat <corpus.jsonl> <out.jsonl>");
            System.exit(2);
        }
        try (BufferedReader in = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8);
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(Paths.get(args[1])))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode c = CORPUS.readTree(line);
                // as bytes: Jackson's UTF-8 generator escapes lone surrogates, a String writer would fail on them
                out.write(CORPUS.writeValueAsBytes(runCase(c)));
                out.write('\n');
            }
        }
    }

    private static ObjectNode runCase(JsonNode c) {
        ObjectNode result = NODES.objectNode();
        result.put("id", c.path("id").asText());
        boolean header = "header".equals(c.path("kind").asText("json"));
        Map<String, Object> config = new LinkedHashMap<>();
        c.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        boolean isKey = c.path("isKey").asBoolean(false);

        JsonConverter json = new JsonConverter();
        SimpleHeaderConverter simple = new SimpleHeaderConverter();
        if (header) simple.configure(config);
        else json.configure(config, isKey);

        // The value's schema, parsed by Kafka itself from its own schema JSON.
        Schema schema = null;
        try {
            JsonNode schemaText = c.get("schema");
            if (schemaText != null && !schemaText.isNull()) {
                JsonConverter schemaReader = new JsonConverter();
                schemaReader.configure(Map.of("schemas.enable", "true"), false);
                schema = schemaReader.asConnectSchema(KAFKA_LIKE.readTree(schemaText.asText()));
            }
        } catch (Exception e) {
            result.put("schemaError", describe(e));
            return result;
        }

        byte[] javaBytes = null;
        if (c.has("value")) {
            try {
                Object value = build(schema, c.get("value"));
                javaBytes = header ? simple.fromConnectHeader("topic", "h", schema, value)
                                   : json.fromConnectData("topic", schema, value);
                result.put("javaBytes", javaBytes == null ? null : Base64.getEncoder().encodeToString(javaBytes));
            } catch (Exception e) {
                result.put("writeError", describe(e));
            }
        }
        if (c.has("bytes")) {
            JsonNode b = c.get("bytes");
            byte[] bytes = b.isNull() ? null : Base64.getDecoder().decode(b.asText());
            read(result, "decodedOurs", "readError", header, json, simple, bytes);
        }
        if (c.has("value") && result.has("javaBytes")) {
            read(result, "decodedJava", "readJavaError", header, json, simple, javaBytes);
        }
        return result;
    }

    private static void read(ObjectNode result, String field, String errorField, boolean header, JsonConverter json,
                             SimpleHeaderConverter simple, byte[] bytes) {
        try {
            SchemaAndValue sv = header ? simple.toConnectHeader("topic", "h", bytes) : json.toConnectData("topic", bytes);
            ObjectNode decoded = NODES.objectNode();
            if (sv == null) {
                decoded.putNull("schema");
                decoded.putNull("value");
            } else {
                if (sv.schema() == null) decoded.putNull("schema");
                else decoded.put("schema", header ? descriptor(sv.schema()) : CORPUS.writeValueAsString(json.asJsonSchema(sv.schema())));
                decoded.set("value", neutral(sv.value()));
            }
            result.set(field, decoded);
        } catch (Exception e) {
            result.put(errorField, describe(e));
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            sb.append(" | caused by ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }

    /** A compact schema descriptor (null-safe: Kafka's Values can make ARRAY/MAP schemas without element schemas). */
    static String descriptor(Schema s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder(s.type().name());
        if (s.name() != null) sb.append('(').append(s.name()).append(')');
        if (s.isOptional()) sb.append('?');
        switch (s.type()) {
            case ARRAY:
                sb.append('<').append(descriptor(s.valueSchema())).append('>');
                break;
            case MAP:
                sb.append('<').append(descriptor(s.keySchema())).append(',').append(descriptor(s.valueSchema())).append('>');
                break;
            case STRUCT:
                sb.append('{');
                boolean first = true;
                for (Field f : s.fields()) {
                    if (!first) sb.append(',');
                    first = false;
                    sb.append(f.name()).append(':').append(descriptor(f.schema()));
                }
                sb.append('}');
                break;
            default:
                break;
        }
        return sb.toString();
    }

    /** Neutral description → the Java value Connect would hold. */
    static Object build(Schema schema, JsonNode n) {
        if (n == null || n.isNull()) return null;
        String t = n.get("t").asText();
        JsonNode v = n.get("v");
        switch (t) {
            case "int8": return Byte.valueOf(v.asText());
            case "int16": return Short.valueOf(v.asText());
            case "int32": return Integer.valueOf(v.asText());
            case "int64": return Long.valueOf(v.asText());
            case "float32": return Float.intBitsToFloat((int) Long.parseLong(v.asText(), 16));
            case "float64": return Double.longBitsToDouble(Long.parseUnsignedLong(v.asText(), 16));
            case "boolean": return v.asBoolean();
            case "string": return v.asText();
            case "bytes": return Base64.getDecoder().decode(v.asText());
            case "decimal": return new BigDecimal(new BigInteger(v.asText()), n.get("scale").asInt());
            case "datetime": return new java.util.Date(Long.parseLong(v.asText()));
            case "array": {
                List<Object> list = new ArrayList<>();
                for (JsonNode e : v) list.add(build(schema == null ? null : schema.valueSchema(), e));
                return list;
            }
            case "map": {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (JsonNode e : v) {
                    map.put(build(schema == null ? null : schema.keySchema(), e.get(0)),
                            build(schema == null ? null : schema.valueSchema(), e.get(1)));
                }
                return map;
            }
            case "struct": {
                if (schema == null) throw new IllegalArgumentException("a struct value needs a schema");
                Struct s = new Struct(schema);
                for (JsonNode e : v) {
                    String name = e.get(0).asText();
                    s.put(name, build(schema.field(name).schema(), e.get(1)));
                }
                return s;
            }
            default:
                throw new IllegalArgumentException("unknown neutral tag " + t);
        }
    }

    /** A Java Connect value → its neutral description. */
    static JsonNode neutral(Object o) {
        if (o == null) return NODES.nullNode();
        ObjectNode n = NODES.objectNode();
        if (o instanceof Byte) return tag(n, "int8", o.toString());
        if (o instanceof Short) return tag(n, "int16", o.toString());
        if (o instanceof Integer) return tag(n, "int32", o.toString());
        if (o instanceof Long) return tag(n, "int64", o.toString());
        if (o instanceof Float) return tag(n, "float32", String.format("%08x", Float.floatToRawIntBits((Float) o)));
        if (o instanceof Double) return tag(n, "float64", String.format("%016x", Double.doubleToRawLongBits((Double) o)));
        if (o instanceof Boolean) {
            n.put("t", "boolean");
            n.put("v", (Boolean) o);
            return n;
        }
        if (o instanceof String) return tag(n, "string", (String) o);
        if (o instanceof byte[]) return tag(n, "bytes", Base64.getEncoder().encodeToString((byte[]) o));
        if (o instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) o).duplicate();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            return tag(n, "bytes", Base64.getEncoder().encodeToString(a));
        }
        if (o instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) o;
            tag(n, "decimal", d.unscaledValue().toString());
            n.put("scale", d.scale());
            return n;
        }
        if (o instanceof java.util.Date) return tag(n, "datetime", Long.toString(((java.util.Date) o).getTime()));
        if (o instanceof List) {
            ArrayNode a = NODES.arrayNode();
            for (Object e : (List<?>) o) a.add(neutral(e));
            n.put("t", "array");
            n.set("v", a);
            return n;
        }
        if (o instanceof Map) {
            ArrayNode a = NODES.arrayNode();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                ArrayNode pair = NODES.arrayNode();
                pair.add(neutral(e.getKey()));
                pair.add(neutral(e.getValue()));
                a.add(pair);
            }
            n.put("t", "map");
            n.set("v", a);
            return n;
        }
        if (o instanceof Struct) {
            Struct s = (Struct) o;
            ArrayNode a = NODES.arrayNode();
            for (Field f : s.schema().fields()) {
                ArrayNode pair = NODES.arrayNode();
                pair.add(f.name());
                pair.add(neutral(s.getWithoutDefault(f.name())));
                a.add(pair);
            }
            n.put("t", "struct");
            n.set("v", a);
            return n;
        }
        throw new IllegalArgumentException("no neutral form for " + o.getClass());
    }

    private static ObjectNode tag(ObjectNode n, String t, String v) {
        n.put("t", t);
        n.put("v", v);
        return n;
    }

}
