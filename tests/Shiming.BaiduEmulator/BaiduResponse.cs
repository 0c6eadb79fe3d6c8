using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shiming.BaiduEmulator;

/// <summary>Writes bodies the way Baidu does: UTF-8 JSON with Chinese unescaped, under Baidu's exact content type.</summary>
internal static class BaiduResponse
{
    public const string ContentType = "application/json;charset=UTF-8";

    // Relaxed escaping keeps Chinese and '+' literal as Baidu sends them; these bodies never end up inside HTML.
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonNode LogId(EmulatorState state)
    {
        var id = state.NextLogId();
        return state.Options.LogIdAsString ? JsonValue.Create(id.ToString(CultureInfo.InvariantCulture)) : JsonValue.Create(id);
    }

    public static JsonObject Error(EmulatorState state, int code, string message) => new()
    {
        ["log_id"] = LogId(state),
        ["error_code"] = code,
        ["error_msg"] = message,
    };

    public static async Task WriteAsync(HttpContext context, int statusCode, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(SerializerOptions));
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
