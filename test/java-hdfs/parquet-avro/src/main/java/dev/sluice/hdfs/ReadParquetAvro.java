package dev.sluice.hdfs;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Prints every record of each Parquet file as one JSON line, read by parquet-avro with the file's stored Avro
 * schema (parquet.avro.schema). Decimals are printed as exact strings, bytes as hex, longs as strings.
 *
 * <p>Usage: {@code java -cp ... dev.sluice.hdfs.ReadParquetAvro FILE...}
 */
public final class ReadParquetAvro {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    conf.setBoolean("parquet.avro.readInt96AsFixed", true);
    StringBuilder out = new StringBuilder();
    for (String file : args) {
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
          HadoopInputFile.fromPath(new Path(file), conf)).withConf(conf).build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          json(out, r, r.getSchema());
          out.append('\n');
          if (out.length() > 1 << 20) {
            System.out.print(out);
            out.setLength(0);
          }
        }
      }
    }
    System.out.print(out);
    System.out.flush();
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) return s;
    for (Schema t : s.getTypes()) if (t.getType() != Schema.Type.NULL) return t;
    return s;
  }

  private static void json(StringBuilder b, Object v, Schema schema) {
    Schema s = nonNull(schema);
    if (v == null) {
      b.append("null");
      return;
    }
    LogicalType lt = s.getLogicalType();
    switch (s.getType()) {
      case RECORD: {
        GenericRecord r = (GenericRecord) v;
        b.append('{');
        boolean first = true;
        for (Schema.Field f : s.getFields()) {
          if (!first) b.append(',');
          first = false;
          str(b, f.name());
          b.append(':');
          json(b, r.get(f.name()), f.schema());
        }
        b.append('}');
        return;
      }
      case ARRAY: {
        b.append('[');
        boolean first = true;
        for (Object x : (List<?>) v) {
          if (!first) b.append(',');
          first = false;
          json(b, x, s.getElementType());
        }
        b.append(']');
        return;
      }
      case MAP: {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          if (!first) b.append(',');
          first = false;
          str(b, e.getKey().toString());
          b.append(':');
          json(b, e.getValue(), s.getValueType());
        }
        b.append('}');
        return;
      }
      case BYTES:
      case FIXED: {
        byte[] bytes;
        if (v instanceof ByteBuffer) {
          ByteBuffer bb = ((ByteBuffer) v).duplicate();
          bytes = new byte[bb.remaining()];
          bb.get(bytes);
        } else {
          bytes = ((GenericData.Fixed) v).bytes();
        }
        if (lt instanceof LogicalTypes.Decimal) {
          str(b, new BigDecimal(new BigInteger(bytes), ((LogicalTypes.Decimal) lt).getScale()).toPlainString());
        } else {
          StringBuilder h = new StringBuilder();
          for (byte x : bytes) h.append(String.format("%02X", x));
          str(b, h.toString());
        }
        return;
      }
      case LONG:
        str(b, v.toString());
        return;
      case STRING:
      case ENUM:
        str(b, v.toString());
        return;
      default:
        b.append(v);
    }
  }

  private static void str(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
      }
    }
    b.append('"');
  }
}
