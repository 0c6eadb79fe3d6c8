using System.Globalization;
using System.Text.Json;

namespace Shiming.Hosting;

/// <summary>
/// The custom-handler payload protocol for non-HTTP functions: the host posts
/// <c>{"Data": {...}, "Metadata": {...}}</c> to <c>/{FunctionName}</c> and reads back
/// <c>{"Outputs": {...}, "Logs": [...], "ReturnValue": ...}</c>.
/// </summary>
public static class CustomHandlerInvocations
{
    public static IEndpointRouteBuilder MapCustomHandlerInvocations(this IEndpointRouteBuilder endpoints)
    {
        foreach (var timer in ShimingFunctions.Timers)
        {
            endpoints.MapPost($"/{timer.Name}", (HttpRequest request, TimerFunctionRunner runner, CancellationToken cancellationToken) =>
                    InvokeTimerAsync(timer, request, runner, cancellationToken))
                .WithName($"{timer.Name}Invocation")
                .ExcludeFromDescription();
        }

        return endpoints;
    }

    private static async Task<IResult> InvokeTimerAsync(
        TimerFunctionDefinition timer, HttpRequest request, TimerFunctionRunner runner, CancellationToken cancellationToken)
    {
        JsonDocument payload;
        try
        {
            payload = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return TypedResults.Problem(
                title: "The invocation payload is not JSON.",
                detail: "The Functions host sends {\"Data\": {...}, \"Metadata\": {...}}.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        using (payload)
        {
            var invocation = ReadTimerInvocation(timer.Name, payload.RootElement, request.Headers["X-Azure-Functions-InvocationId"].ToString());
            var result = await runner.RunAsync(timer, invocation, cancellationToken);

            // Always 200 for a handled invocation: a non-2xx answer makes the host discard the reply.
            return TypedResults.Json(new CustomHandlerResponse(new Dictionary<string, object?>(), result.Logs, ReturnValue: null));
        }
    }

    /// <summary>Reads the timer binding and <c>sys</c> metadata, tolerating the host's double encoding.</summary>
    public static TimerInvocation ReadTimerInvocation(string functionName, JsonElement payload, string? invocationId)
    {
        var isPastDue = false;
        if (TryGetProperty(payload, "Data", out var data) && TryGetProperty(data, TimerInvocation.BindingName, out var timerInfo)
            && TryGetProperty(timerInfo, "IsPastDue", out var pastDue))
        {
            isPastDue = pastDue.ValueKind == JsonValueKind.True
                || (pastDue.ValueKind == JsonValueKind.String && bool.TryParse(pastDue.GetString(), out var parsed) && parsed);
        }

        var triggeredAt = DateTimeOffset.UtcNow;
        if (TryGetProperty(payload, "Metadata", out var metadata) && TryGetProperty(metadata, "sys", out var sys)
            && TryGetProperty(sys, "UtcNow", out var utcNow) && utcNow.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(utcNow.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsedNow))
        {
            triggeredAt = parsedNow.ToUniversalTime();
        }

        return new TimerInvocation(functionName, isPastDue, triggeredAt, string.IsNullOrEmpty(invocationId) ? null : invocationId);
    }

    /// <summary>
    /// Looks up a property case-insensitively (the host writes PascalCase) and undoes the host's
    /// encoding of non-object values as JSON text: <c>"\"x\""</c> becomes <c>"x"</c>, <c>"true"</c> becomes <c>true</c>.
    /// </summary>
    public static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        element = Decode(element);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = Decode(property.Value);
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    public static JsonElement Decode(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return element;
        }

        var text = element.GetString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return element;
        }

        try
        {
            using var inner = JsonDocument.Parse(text);
            return inner.RootElement.Clone();
        }
        catch (JsonException)
        {
            return element;
        }
    }
}

/// <summary>The reply shape the host expects from a payload-protocol invocation.</summary>
public sealed record CustomHandlerResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: System.Text.Json.Serialization.JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: System.Text.Json.Serialization.JsonPropertyName("ReturnValue")] object? ReturnValue);
