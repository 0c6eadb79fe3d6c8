using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shiming.BaiduEmulator;

/// <summary>The emulator's services and routes, shared by the standalone program and <see cref="BaiduEmulatorHost"/>.</summary>
internal static class EmulatorApplication
{
    public const string CallsPath = "/emulator/calls";
    public const string TokensPath = "/emulator/tokens";

    private static readonly JsonSerializerOptions CallsJson = new(JsonSerializerDefaults.Web);

    public static EmulatorState AddEmulator(this WebApplicationBuilder builder, EmulatorOptions options, TimeProvider timeProvider)
    {
        options.Validate();
        RequestThreads.Reserve();
        var state = new EmulatorState(options, timeProvider);
        builder.Services.AddSingleton(state);
        return state;
    }

    public static void MapEmulator(this WebApplication app)
    {
        app.MapMethods(TokenEndpoint.Path, [HttpMethods.Get, HttpMethods.Post], TokenEndpoint.HandleAsync);
        app.MapPost(IdCardEndpoint.Path, IdCardEndpoint.HandleAsync);
        foreach (var api in (string[])[EmulatorApis.GeneralBasic, EmulatorApis.AccurateBasic, EmulatorApis.General, EmulatorApis.Accurate])
        {
            app.MapPost(TextOcrEndpoint.PathOf(api), TextOcrEndpoint.Handler(api));
        }

        app.MapPost(ImageModerationEndpoint.Path, ImageModerationEndpoint.HandleAsync);
        app.MapPost("/rest/2.0/ocr/v1/{api}", UnsupportedApiAsync);

        app.MapGet(CallsPath, async context =>
        {
            var state = context.RequestServices.GetRequiredService<EmulatorState>();
            context.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(context.Response.Body, state.Calls.Snapshot(), CallsJson, context.RequestAborted);
        });
        app.MapDelete(CallsPath, context =>
        {
            context.RequestServices.GetRequiredService<EmulatorState>().Calls.Clear();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });

        app.MapGet(TokensPath, async context =>
        {
            var state = context.RequestServices.GetRequiredService<EmulatorState>();
            context.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(context.Response.Body, new TokenCounts(state.Tokens.IssuedCount), CallsJson, context.RequestAborted);
        });

        // Every token issued so far stops working at once (error 110), as after the application's keys are reset.
        app.MapDelete(TokensPath, context =>
        {
            context.RequestServices.GetRequiredService<EmulatorState>().Tokens.RevokeAll();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
    }

    /// <summary>OCR APIs the emulator does not implement answer as Baidu answers a path that does not exist.</summary>
    private static async Task UnsupportedApiAsync(HttpContext context)
    {
        var state = context.RequestServices.GetRequiredService<EmulatorState>();
        var sequence = state.Calls.NextSequence();
        var arrivedAt = state.TimeProvider.GetUtcNow();
        var api = context.Request.RouteValues["api"]?.ToString() ?? string.Empty;
        JsonObject body = BaiduResponse.Error(state, 3, "Unsupported openapi method");
        state.Calls.Add(sequence, new EmulatorCall(arrivedAt, api, null, 3, null, AnsweredAt: state.TimeProvider.GetUtcNow()));
        await BaiduResponse.WriteAsync(context, StatusCodes.Status200OK, body);
    }
}

/// <summary>The body of <c>GET /emulator/tokens</c>: how many access tokens were issued, revoked ones included.</summary>
internal sealed record TokenCounts(long Issued);
