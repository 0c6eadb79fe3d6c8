using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;

namespace Shiming.Storage;

/// <summary>
/// Entities to and from the Table service's JSON (OData minimal metadata). Types JSON cannot tell apart travel
/// with a <c>Name@odata.type</c> annotation: Int64, DateTime, Guid and Binary as strings, and every Double, since
/// a whole double written as <c>2</c> would otherwise be stored as Int32.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(TableEntity.PartitionKeyName, entity.PartitionKey);
            writer.WriteString(TableEntity.RowKeyName, entity.RowKey);
            foreach (var (name, value) in entity)
            {
                WriteProperty(writer, name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                // The service stores no nulls: leaving the property out means "absent" for a replace and "keep" for a merge.
                return;
            case string s:
                writer.WriteString(name, s);
                return;
            case int i:
                writer.WriteNumber(name, i);
                return;
            case bool b:
                writer.WriteBoolean(name, b);
                return;
            case double d:
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                writer.WriteNumber(name, d);
                return;
            case long l:
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                return;
            case DateTimeOffset dto:
                WriteDateTime(writer, name, dto);
                return;
            case DateTime dt:
                WriteDateTime(writer, name, TableEntity.ToUtc(dt));
                return;
            case Guid g:
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                writer.WriteString(name, g.ToString("D"));
                return;
            case byte[] bytes:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, bytes);
                return;
            case BinaryData data:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, data.ToMemory().Span);
                return;
            default:
                throw new ArgumentException($"Property '{name}': a {value.GetType().Name} cannot be stored.");
        }
    }

    private static void WriteDateTime(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        writer.WriteString(name + TypeSuffix, "Edm.DateTime");
        writer.WriteString(name, value.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture));
    }

    public static TableEntity Deserialize(JsonElement json, ETag etagHeader = default)
    {
        var entity = new TableEntity();
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name == "odata.etag")
            {
                entity.ETag = new ETag(property.Value.GetString()!);
                continue;
            }

            if (name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }

            string? type = json.TryGetProperty(name + TypeSuffix, out var annotation) ? annotation.GetString() : null;
            switch (name)
            {
                case TableEntity.PartitionKeyName:
                    entity.PartitionKey = property.Value.GetString() ?? string.Empty;
                    break;
                case TableEntity.RowKeyName:
                    entity.RowKey = property.Value.GetString() ?? string.Empty;
                    break;
                case TableEntity.TimestampName:
                    entity.Timestamp = ParseDateTime(property.Value.GetString()!);
                    break;
                default:
                    if (ReadValue(name, property.Value, type) is { } value)
                    {
                        entity.SetFromService(name, value);
                    }

                    break;
            }
        }

        if (etagHeader != default)
        {
            entity.ETag = etagHeader;
        }

        return entity;
    }

    private static object? ReadValue(string name, JsonElement value, string? type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return type switch
        {
            null => value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                // OData's rule for un-annotated numbers: no fraction or exponent means Int32.
                JsonValueKind.Number when value.TryGetInt32(out var i) && !HasFraction(value) => i,
                JsonValueKind.Number => value.GetDouble(),
                _ => throw new InvalidOperationException($"Property '{name}' has a JSON {value.ValueKind}, which the Table service does not store."),
            },
            "Edm.String" => value.GetString(),
            "Edm.Int32" => value.GetInt32(),
            "Edm.Int64" => long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            "Edm.Double" => value.ValueKind == JsonValueKind.Number ? value.GetDouble() : ParseSpecialDouble(name, value.GetString()),
            "Edm.Boolean" => value.GetBoolean(),
            "Edm.DateTime" => ParseDateTime(value.GetString()!),
            "Edm.Guid" => Guid.Parse(value.GetString()!),
            "Edm.Binary" => value.GetBytesFromBase64(),
            _ => throw new InvalidOperationException($"Property '{name}' has the unknown type '{type}'."),
        };
    }

    private static bool HasFraction(JsonElement number)
    {
        var raw = number.GetRawText();
        return raw.Contains('.', StringComparison.Ordinal) || raw.Contains('e', StringComparison.OrdinalIgnoreCase);
    }

    private static double ParseSpecialDouble(string name, string? text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" or "INF" => double.PositiveInfinity,
        "-Infinity" or "-INF" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new InvalidOperationException($"Property '{name}' is not a valid Edm.Double."),
    };

    private static DateTimeOffset ParseDateTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
