using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Shiming.BaiduEmulator;

/// <summary>
/// What a synthetic card image says about itself. The emulator cannot read pixels, so the answer travels inside
/// the file: in a PNG as a <c>tEXt</c> chunk with keyword <see cref="PngKeyword"/>, in a JPEG as a COM segment
/// that starts with <see cref="JpegCommentPrefix"/>. The text is ASCII JSON (non-ASCII as \uXXXX escapes):
/// <c>{"side":"front","fields":{"姓名":"…",…},"imageStatus":"blurred","riskType":"copy","authority":{…}}</c>, the last
/// three optional; <c>authority</c> (<see cref="CardAuthority"/>) tells the identity checks what to answer for a front.
/// </summary>
/// <param name="Side"><c>front</c> or <c>back</c>: the side the card really shows.</param>
/// <param name="Fields">What Baidu should read, keyed by its Chinese field names.</param>
/// <param name="ImageStatus">The <c>image_status</c> to answer; <c>normal</c> when null.</param>
/// <param name="RiskType">The <c>risk_type</c> to answer when risk detection is asked for; <c>normal</c> when null.</param>
/// <param name="Authority">What the identity checks answer for the front's holder; matched, without dates, when null.</param>
public sealed record CardGroundTruth(
    string Side, IReadOnlyDictionary<string, string> Fields, string? ImageStatus = null, string? RiskType = null, CardAuthority? Authority = null)
{
    /// <summary>Keyword of the PNG <c>tEXt</c> chunk.</summary>
    public const string PngKeyword = "ShimingGroundTruth";

    /// <summary>Start of the JPEG comment, followed directly by the JSON.</summary>
    public const string JpegCommentPrefix = "ShimingGroundTruth:";

    /// <summary>The ground truth of a synthetic person's portrait side.</summary>
    public static CardGroundTruth ForFront(SyntheticPerson person, string? imageStatus = null, string? riskType = null)
    {
        ArgumentNullException.ThrowIfNull(person);
        var fields = new Dictionary<string, string>
        {
            [IdCardFields.Name] = person.Name,
            [IdCardFields.Gender] = person.Gender,
            [IdCardFields.Ethnicity] = person.Ethnicity,
            [IdCardFields.BirthDate] = person.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            [IdCardFields.Address] = person.Address,
            [IdCardFields.IdNumber] = person.IdNumber,
        };
        return new CardGroundTruth(IdCardFields.Front, fields, imageStatus, riskType);
    }

    /// <summary>The ground truth of a synthetic card's emblem side.</summary>
    public static CardGroundTruth ForBack(SyntheticCardBack back, string? imageStatus = null, string? riskType = null)
    {
        ArgumentNullException.ThrowIfNull(back);
        var fields = new Dictionary<string, string>
        {
            [IdCardFields.IssuingAuthority] = back.IssuingAuthority,
            [IdCardFields.IssueDate] = back.ValidFrom.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            [IdCardFields.ExpiryDate] = back.ValidUntil,
        };
        return new CardGroundTruth(IdCardFields.Back, fields, imageStatus, riskType);
    }

    /// <summary>The JSON as it is embedded: ASCII only, so that it fits a Latin-1 PNG <c>tEXt</c> chunk unchanged.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            // The default encoder escapes everything outside ASCII, which is exactly what tEXt needs.
            writer.WriteStartObject();
            writer.WriteString("side", Side);
            writer.WriteStartObject("fields");
            foreach (var (key, value) in Fields)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            if (ImageStatus is not null)
            {
                writer.WriteString("imageStatus", ImageStatus);
            }

            if (RiskType is not null)
            {
                writer.WriteString("riskType", RiskType);
            }

            if (Authority is not null)
            {
                writer.WriteStartObject("authority");
                writer.WriteString("outcome", CardAuthority.NameOf(Authority.Outcome));
                if (Authority.ValidFrom is not null)
                {
                    writer.WriteString("validFrom", Authority.ValidFrom);
                }

                if (Authority.ValidUntil is not null)
                {
                    writer.WriteString("validUntil", Authority.ValidUntil);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.ASCII.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads ground truth JSON; throws <see cref="FormatException"/> when it is not the documented shape.</summary>
    public static CardGroundTruth Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Ground truth must be a JSON object.");
            }

            var side = RequiredString(root, "side");
            if (side is not (IdCardFields.Front or IdCardFields.Back))
            {
                throw new FormatException("Ground truth side must be \"front\" or \"back\".");
            }

            if (!root.TryGetProperty("fields", out var fieldsElement) || fieldsElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Ground truth must have a \"fields\" object.");
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in fieldsElement.EnumerateObject())
            {
                if (field.Value.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException("Every ground truth field must be a string.");
                }

                fields[field.Name] = field.Value.GetString()!;
            }

            return new CardGroundTruth(side, fields, OptionalString(root, "imageStatus"), OptionalString(root, "riskType"), ParseAuthority(root));
        }
        catch (JsonException)
        {
            // The JSON itself is test data: keep it out of the message.
            throw new FormatException("Ground truth is not valid JSON.");
        }
    }

    private static CardAuthority? ParseAuthority(JsonElement root)
    {
        if (!root.TryGetProperty("authority", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object || !CardAuthority.TryParse(OptionalString(element, "outcome"), out var outcome))
        {
            throw new FormatException("Ground truth \"authority\" must be an object whose \"outcome\" is matched, mismatched, lost or unavailable.");
        }

        return new CardAuthority(outcome, OptionalString(element, "validFrom"), OptionalString(element, "validUntil"));
    }

    private static string RequiredString(JsonElement root, string name) =>
        OptionalString(root, name) ?? throw new FormatException($"Ground truth must have a string \"{name}\".");

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return element.ValueKind == JsonValueKind.String
            ? element.GetString()
            : throw new FormatException($"Ground truth \"{name}\" must be a string.");
    }
}
