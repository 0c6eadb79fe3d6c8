using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Shiming.FunctionsHost.Http;

/// <summary>The host's admin route for running a function on demand: <c>POST /admin/functions/{name}</c> with
/// <c>{"input": "..."}</c> answers 202 at once and runs the function in the background, disabled or not (the host lets
/// the master key run a disabled function; the emulator has no keys, as <c>func start</c> asks for none).</summary>
internal sealed class AdminApi(Func<string, bool> isNonHttpFunction, Action<string, string?> startRun)
{
    private const string Prefix = "/admin/functions/";

    public static bool Handles(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var name = path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? path[Prefix.Length..].TrimEnd('/') : "";
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            // The host's other admin routes (status, keys, host state) are not emulated.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        if (!isNonHttpFunction(name))
        {
            // An unknown name, and an HTTP function (called at its own route instead), are not found here.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string? input;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                await ProblemAsync(context, "The body must be a JSON object such as {\"input\": \"...\"}.").ConfigureAwait(false);
                return;
            }

            input = body.RootElement.TryGetProperty("input", out var value) && value.ValueKind != JsonValueKind.Null
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            await ProblemAsync(context, "The body must be JSON such as {\"input\": \"...\"}.").ConfigureAwait(false);
            return;
        }

        startRun(name, input);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    // The host answers a missing or unreadable body with a bare 400; the emulator says why.
    private static Task ProblemAsync(HttpContext context, string detail) =>
        Results.Problem(
            detail: detail,
            statusCode: StatusCodes.Status400BadRequest,
            title: "The invocation body is not valid").ExecuteAsync(context);
}
