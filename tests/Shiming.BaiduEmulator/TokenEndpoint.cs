using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Shiming.BaiduEmulator;

/// <summary><c>/oauth/2.0/token</c>: the client_credentials grant, with parameters in the query or a form body.</summary>
internal static class TokenEndpoint
{
    public const string Path = "/oauth/2.0/token";

    // Scope strings of apps with OCR enabled; brain_all_scope is what tells Baidu's own SDKs to use the token.
    private const string Scope = "public brain_all_scope brain_ocr_scope brain_ocr_idcard brain_ocr_general_basic brain_ocr_accurate_basic";

    public static async Task HandleAsync(HttpContext context)
    {
        var state = context.RequestServices.GetRequiredService<EmulatorState>();
        var form = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted)
            : null;

        string? Parameter(string name)
        {
            var value = context.Request.Query[name];
            if (StringValues.IsNullOrEmpty(value) && form is not null)
            {
                value = form[name];
            }

            return StringValues.IsNullOrEmpty(value) ? null : value.ToString();
        }

        // Token bodies are never cached by clients or proxies, as Baidu's own replies say.
        context.Response.Headers.CacheControl = "no-store";

        var grantType = Parameter("grant_type");
        if (grantType != "client_credentials")
        {
            await BaiduResponse.WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject
            {
                ["error"] = "unsupported_grant_type",
                ["error_description"] = $"Grant type \"{grantType}\" not supported",
            });
            return;
        }

        var options = state.Options;
        if (!string.Equals(Parameter("client_id"), options.ApiKey, StringComparison.Ordinal))
        {
            await InvalidClientAsync(context, "unknown client id");
            return;
        }

        if (!string.Equals(Parameter("client_secret"), options.SecretKey, StringComparison.Ordinal))
        {
            await InvalidClientAsync(context, "Client authentication failed");
            return;
        }

        var token = state.Tokens.Issue(options.ApiKey, options.TokenLifetime);
        await BaiduResponse.WriteAsync(context, StatusCodes.Status200OK, new JsonObject
        {
            ["refresh_token"] = token.RefreshToken,
            ["expires_in"] = token.LifetimeSeconds,
            ["scope"] = Scope,
            ["session_key"] = "9mzdSIMULATED" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            ["access_token"] = token.AccessToken,
            ["session_secret"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
        });
    }

    private static Task InvalidClientAsync(HttpContext context, string description) =>
        BaiduResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, new JsonObject
        {
            ["error"] = "invalid_client",
            ["error_description"] = description,
        });
}
