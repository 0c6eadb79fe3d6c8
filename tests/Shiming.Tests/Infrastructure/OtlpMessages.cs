using System.Buffers.Binary;
using System.Reflection;
using System.Text;

namespace Shiming.Tests.Infrastructure;

/// <summary>A data point of an exported metric: its attributes and its value (a sum, a gauge, or a histogram's count and sum).</summary>
internal sealed record OtlpMetricPoint(string Name, string Unit, string Kind, IReadOnlyDictionary<string, string> Attributes, double Value, ulong Count);

internal sealed record OtlpSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<(string TraceId, string SpanId)> Links);

internal sealed record OtlpLogRecord(string Body, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Reads OTLP export requests (protobuf). Without the generated OTLP classes (no package here ships them for .NET),
/// the protobuf wire format is read directly, and every field number is taken, by name, from the tables that
/// OpenTelemetry.Exporter.OpenTelemetryProtocol writes these messages with, so that nothing of the schema is copied here.
/// </summary>
internal static class OtlpMessages
{
    private static readonly Assembly Exporter = typeof(OpenTelemetry.Exporter.OtlpExporterOptions).Assembly;
    private static readonly Dictionary<string, int> Common = FieldNumbers("Common");
    private static readonly Dictionary<string, int> Metric = FieldNumbers("Metric");
    private static readonly Dictionary<string, int> Trace = FieldNumbers("Trace");
    private static readonly Dictionary<string, int> Log = FieldNumbers("Log");

    public static IEnumerable<OtlpMetricPoint> MetricPoints(byte[] request)
    {
        foreach (var resource in Fields(request, Metric["MetricsData_Resource_Metrics"]))
        {
            foreach (var scope in Fields(resource, Metric["ResourceMetrics_Scope_Metrics"]))
            {
                foreach (var metric in Fields(scope, Metric["ScopeMetrics_Metrics"]))
                {
                    var name = Text(metric, Metric["Metric_Name"]);
                    var unit = Text(metric, Metric["Metric_Unit"]);
                    foreach (var (kind, field, pointsField) in new[]
                    {
                        ("sum", "Metric_Data_Sum", "Sum_Data_Points"),
                        ("gauge", "Metric_Data_Gauge", "Gauge_Data_Points"),
                    })
                    {
                        foreach (var data in Fields(metric, Metric[field]))
                        {
                            foreach (var point in Fields(data, Metric[pointsField]))
                            {
                                var value = Fixed(point, Metric["NumberDataPoint_Value_As_Double"]) is { } d
                                    ? BitConverter.UInt64BitsToDouble(d)
                                    : (double)(long)(Fixed(point, Metric["NumberDataPoint_Value_As_Int"]) ?? 0);
                                yield return new OtlpMetricPoint(name, unit, kind, Attributes(point, Metric["NumberDataPoint_Attributes"]), value, 0);
                            }
                        }
                    }

                    foreach (var data in Fields(metric, Metric["Metric_Data_Histogram"]))
                    {
                        foreach (var point in Fields(data, Metric["Histogram_Data_Points"]))
                        {
                            var sum = BitConverter.UInt64BitsToDouble(Fixed(point, Metric["HistogramDataPoint_Sum"]) ?? 0);
                            var count = Fixed(point, Metric["HistogramDataPoint_Count"]) ?? 0;
                            yield return new OtlpMetricPoint(name, unit, "histogram", Attributes(point, Metric["HistogramDataPoint_Attributes"]), sum, count);
                        }
                    }
                }
            }
        }
    }

    public static IEnumerable<OtlpSpan> Spans(byte[] request)
    {
        foreach (var resource in Fields(request, Trace["TracesData_Resource_Spans"]))
        {
            foreach (var scope in Fields(resource, Trace["ResourceSpans_Scope_Spans"]))
            {
                foreach (var span in Fields(scope, Trace["ScopeSpans_Span"]))
                {
                    var links = Fields(span, Trace["Span_Links"])
                        .Select(link => (Hex(link, Trace["Link_Trace_Id"]), Hex(link, Trace["Link_Span_Id"])))
                        .ToList();
                    yield return new OtlpSpan(
                        Hex(span, Trace["Span_Trace_Id"]),
                        Hex(span, Trace["Span_Span_Id"]),
                        Hex(span, Trace["Span_Parent_Span_Id"]),
                        Text(span, Trace["Span_Name"]),
                        Attributes(span, Trace["Span_Attributes"]),
                        links);
                }
            }
        }
    }

    public static IEnumerable<OtlpLogRecord> LogRecords(byte[] request)
    {
        foreach (var resource in Fields(request, Log["LogsData_Resource_Logs"]))
        {
            foreach (var scope in Fields(resource, Log["ResourceLogs_Scope_Logs"]))
            {
                foreach (var record in Fields(scope, Log["ScopeLogs_Log_Records"]))
                {
                    var body = Fields(record, Log["LogRecord_Body"]).Select(AnyValue).FirstOrDefault() ?? "";
                    yield return new OtlpLogRecord(body, Attributes(record, Log["LogRecord_Attributes"]));
                }
            }
        }
    }

    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field) =>
        Fields(message, field)
            .Select(pair => (Key: Text(pair, Common["KeyValue_Key"]), Value: Fields(pair, Common["KeyValue_Value"]).Select(AnyValue).FirstOrDefault() ?? ""))
            .GroupBy(pair => pair.Key)
            .ToDictionary(group => group.Key, group => group.Last().Value);

    /// <summary>An AnyValue as text: strings as they are, numbers and booleans as written; nested values are left out.</summary>
    private static string AnyValue(ReadOnlyMemory<byte> value)
    {
        foreach (var (number, wireType, bytes, scalar) in Read(value))
        {
            if (number == Common["AnyValue_String_Value"] && wireType == 2)
            {
                return Encoding.UTF8.GetString(bytes.Span);
            }

            if (number == Common["AnyValue_Bool_Value"])
            {
                return scalar != 0 ? "true" : "false";
            }

            if (number == Common["AnyValue_Int_Value"])
            {
                return ((long)scalar).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (number == Common["AnyValue_Double_Value"])
            {
                return BitConverter.UInt64BitsToDouble(scalar).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return "";
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int field) =>
        Read(message).Where(f => f.Number == field && f.WireType == 2).Select(f => f.Bytes);

    private static IEnumerable<ReadOnlyMemory<byte>> Fields(byte[] message, int field) => Fields(message.AsMemory(), field);

    private static string Text(ReadOnlyMemory<byte> message, int field) =>
        Fields(message, field).Select(bytes => Encoding.UTF8.GetString(bytes.Span)).FirstOrDefault() ?? "";

    private static string Hex(ReadOnlyMemory<byte> message, int field) =>
        Fields(message, field).Select(bytes => Convert.ToHexStringLower(bytes.Span)).FirstOrDefault() ?? "";

    private static ulong? Fixed(ReadOnlyMemory<byte> message, int field) =>
        Read(message).Where(f => f.Number == field && f.WireType == 1).Select(f => (ulong?)f.Scalar).FirstOrDefault();

    /// <summary>The fields of one message: number, wire type, and the bytes (length-delimited) or the value (the rest).</summary>
    private static List<(int Number, int WireType, ReadOnlyMemory<byte> Bytes, ulong Scalar)> Read(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, int, ReadOnlyMemory<byte>, ulong)>();
        var span = message.Span;
        var position = 0;
        while (position < span.Length)
        {
            var key = Varint(span, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add((number, wireType, default, Varint(span, ref position)));
                    break;
                case 1:
                    fields.Add((number, wireType, default, BinaryPrimitives.ReadUInt64LittleEndian(span[position..])));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref position);
                    fields.Add((number, wireType, message.Slice(position, length), 0));
                    position += length;
                    break;
                case 5:
                    fields.Add((number, wireType, default, BinaryPrimitives.ReadUInt32LittleEndian(span[position..])));
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Wire type {wireType} is not one OTLP uses.");
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static Dictionary<string, int> FieldNumbers(string signal)
    {
        var type = Exporter.GetType($"OpenTelemetry.Exporter.OpenTelemetryProtocol.Implementation.Serializer.ProtobufOtlp{signal}FieldNumberConstants", throwOnError: true)!;
        return type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => Convert.ToInt32(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
