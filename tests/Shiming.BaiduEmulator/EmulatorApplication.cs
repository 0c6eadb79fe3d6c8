using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shiming.BaiduEmulator;

/// <summary>The emulator's services and routes, shared by the standalone program and <see cref="BaiduEmulatorHost"/>.</summary>
internal static class EmulatorApplication
{
    public const string CallsPath = "/emulator/calls";
    public const string TokensPath = "/emulator/tokens";
    public const string PeoplePath = "/emulator/people";

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
        app.MapPost(IdentityCheckEndpoint.IdMatchPath, IdentityCheckEndpoint.HandleIdMatchAsync);
        app.MapPost(IdentityCheckEndpoint.IdMatchDatePath, IdentityCheckEndpoint.HandleIdMatchDateAsync);
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

        app.MapPost(PeoplePath, RegisterPeopleAsync);

        // How many people are registered: never who.
        app.MapGet(PeoplePath, async context =>
        {
            var state = context.RequestServices.GetRequiredService<EmulatorState>();
            context.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(context.Response.Body, new PeopleCount(state.People.Count), CallsJson, context.RequestAborted);
        });
        app.MapDelete(PeoplePath, context =>
        {
            context.RequestServices.GetRequiredService<EmulatorState>().People.Clear();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });

        // Every token issued so far stops working at once (error 110), as after the application's keys are reset.
        app.MapDelete(TokensPath, context =>
        {
            context.RequestServices.GetRequiredService<EmulatorState>().Tokens.RevokeAll();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// <c>POST /emulator/people</c>: registers one person (<c>{"idNumber","name","validFrom","validUntil","status"}</c>, the
    /// dates and status optional) or an array of them with the authority; 204, or 400 naming what is wrong and never
    /// what was sent.
    /// </summary>
    private static async Task RegisterPeopleAsync(HttpContext context)
    {
        var state = context.RequestServices.GetRequiredService<EmulatorState>();
        List<RegisteredPerson?>? people;
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            people = body is JsonArray
                ? body.Deserialize<List<RegisteredPerson?>>(CallsJson)
                : [body.Deserialize<RegisteredPerson>(CallsJson)];
        }
        catch (JsonException)
        {
            people = null;
        }

        if (people is null || people.Any(person => person is null || !ResidentIdNumber.IsValid(person.IdNumber) || string.IsNullOrEmpty(person.Name)))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                "Expected a JSON person or array of people: idNumber (18 characters passing GB 11643) and name required; validFrom, validUntil (yyyyMMdd or 长期) and status (normal, lost, no_result, authority_down) optional.",
                context.RequestAborted);
            return;
        }

        foreach (var person in people)
        {
            state.People.Register(person!);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
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

/// <summary>The body of <c>GET /emulator/people</c>: how many people the authority's records hold.</summary>
internal sealed record PeopleCount(int Registered);
