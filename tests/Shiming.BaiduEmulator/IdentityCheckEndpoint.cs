using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shiming.BaiduEmulator;

/// <summary>
/// Baidu's identity checks against the authority's records: <c>POST /rest/2.0/face/v3/person/idmatch</c> (name and
/// number, 身份证与名字比对) and <c>POST /rest/2.0/face/v4/idmatch_date</c> (also the card's validity dates). JSON bodies;
/// the token, permission, QPS, quota and fault checks are <see cref="BaiduCall"/>'s, then missing fields (222001), then
/// the format checks (222022, 222023, the date rules), and only then the lookup in <see cref="IdentityRegistry"/>.
/// </summary>
internal static class IdentityCheckEndpoint
{
    public const string IdMatchPath = "/rest/2.0/face/v3/person/idmatch";
    public const string IdMatchDatePath = "/rest/2.0/face/v4/idmatch_date";

    private const string LongTerm = "00000000";
    private static readonly DateOnly EarliestStart = new(1984, 1, 1);

    public static Task HandleIdMatchAsync(HttpContext context) =>
        BaiduCall.HandleAsync(context, EmulatorApis.IdMatch, (request, _) => Task.FromResult(Answer(request, withDates: false)), jsonBody: true);

    public static Task HandleIdMatchDateAsync(HttpContext context) =>
        BaiduCall.HandleAsync(context, EmulatorApis.IdMatchDate, (request, _) => Task.FromResult(Answer(request, withDates: true)), jsonBody: true);

    private static ApiAnswer Answer(ApiRequest request, bool withDates)
    {
        var state = request.State;
        var settings = request.Options.IdentityCheck;
        var fields = ReadFields(request.Body);
        var number = fields.GetValueOrDefault("id_card_number");
        var subject = number is { Length: > 0 } ? state.People.SubjectOf(number) : null;

        string[] required = withDates ? ["id_card_number", "name", "start_date", "end_date"] : ["id_card_number", "name"];
        if (required.FirstOrDefault(field => fields.GetValueOrDefault(field) is null) is { } missing)
        {
            return Error(state, 222001, $"param[{missing}] is null", subject);
        }

        if (!ResidentIdNumber.IsValid(number) || !ResidentIdNumber.TryGetBirthDate(number!, out var birth) || birth > DateOnly.FromDateTime(state.TimeProvider.GetUtcNow().UtcDateTime))
        {
            return Error(state, IdentityCodes.NumberFormat, IdentityCodes.Message(IdentityCodes.NumberFormat), subject);
        }

        var name = fields["name"]!;
        if (!IsName(name, settings.NameMaxLength))
        {
            return Error(state, IdentityCodes.NameFormat, IdentityCodes.Message(IdentityCodes.NameFormat), subject);
        }

        var (start, end) = (fields.GetValueOrDefault("start_date"), fields.GetValueOrDefault("end_date"));
        if (withDates && !DatesAreValid(start!, end!))
        {
            return Error(state, settings.InvalidDateCode, "invalid param", subject);
        }

        var person = state.People.Find(number!);
        if (person?.Status == AuthorityStatus.AuthorityDown)
        {
            return Error(state, settings.AuthorityDownCode, IdentityCodes.Message(settings.AuthorityDownCode), subject);
        }

        return withDates ? AnswerWithDates(state, person, name, start!, end!, subject) : AnswerNameOnly(state, settings, person, name, subject);
    }

    private static ApiAnswer AnswerNameOnly(EmulatorState state, EmulatorIdentityCheckOptions settings, RegisteredPerson? person, string name, string? subject)
    {
        var code = person switch
        {
            null => settings.UnknownNumberCode,
            { Status: AuthorityStatus.NoResult } => IdentityCodes.NoResult,
            _ when person.Name != name => IdentityCodes.Mismatch,

            // A card reported lost still belongs to its holder: idmatch asks only about the name.
            _ => 0,
        };

        // Billed: the answers the authority gave (a match, or 222351); the rest are not billed (unconfirmed).
        return code == 0
            ? new ApiAnswer(Envelope(state, 0, "SUCCESS"), null, null, Billed: true, Subject: subject)
            : Error(state, code, IdentityCodes.Message(code), subject) with { Billed = code == IdentityCodes.Mismatch };
    }

    private static ApiAnswer AnswerWithDates(EmulatorState state, RegisteredPerson? person, string name, string start, string end, string? subject)
    {
        // One "invalid" for all that is not confirmed: name, unknown number, dates, lost card alike.
        var verified = person is { Status: AuthorityStatus.Normal }
            && person.Name == name
            && person.ValidFrom == start
            && person.ValidUntil is not null
            && (person.ValidUntil == IdCardFields.LongTerm ? end == LongTerm : person.ValidUntil == end);
        var status = verified ? 0 : 1;
        var body = Envelope(state, 0, "SUCCESS");
        body["result"] = new JsonObject { ["verify_status"] = status };
        return new ApiAnswer(body, null, null, Billed: true, VerifyStatus: status, Subject: subject);
    }

    private static ApiAnswer Error(EmulatorState state, int code, string message, string? subject) =>
        new(Envelope(state, code, message), code, null, Subject: subject);

    /// <summary>The face APIs' envelope: code, message, log id, Unix seconds, <c>cached</c> 0 and a null result.</summary>
    private static JsonObject Envelope(EmulatorState state, int code, string message) => new()
    {
        ["error_code"] = code,
        ["error_msg"] = message,
        ["log_id"] = BaiduResponse.LogId(state),
        ["timestamp"] = state.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
        ["cached"] = 0,
        ["result"] = null,
    };

    /// <summary>
    /// The body's fields as strings; a field that is absent, null or empty counts as missing (222001), as does every
    /// field of a body that is not a JSON object. Another JSON type is kept as its text, to fail the format check.
    /// </summary>
    private static Dictionary<string, string?> ReadFields(byte[]? body)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(body ?? []);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return fields;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() is { Length: > 0 } text ? text : null,
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }
        }
        catch (JsonException)
        {
            // Not JSON: every field is missing.
        }

        return fields;
    }

    /// <summary>Chinese characters, with <c>·</c> between the parts of a minority name, and no longer than the limit.</summary>
    private static bool IsName(string name, int maxLength)
    {
        if (name.Length > maxLength || name[0] == '·' || name[^1] == '·')
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '·' || (c >= '\u3400' && c <= '\u9FFF') || (c >= '\uF900' && c <= '\uFAFF'))
            {
                continue;
            }

            // Characters of the CJK extensions beyond the Basic Multilingual Plane come as surrogate pairs.
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]) && char.ConvertToUtf32(c, name[i + 1]) is >= 0x20000 and <= 0x3134F)
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }

    /// <summary>yyyyMMdd dates, the start not before 1984-01-01, the end <c>00000000</c> (long-term) or at least five years on.</summary>
    private static bool DatesAreValid(string start, string end)
    {
        if (!TryParseDate(start, out var from) || from < EarliestStart)
        {
            return false;
        }

        return end == LongTerm || (TryParseDate(end, out var until) && until >= from.AddYears(5));
    }

    private static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
