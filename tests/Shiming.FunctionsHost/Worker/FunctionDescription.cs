using System.Text.Json.Nodes;

namespace Shiming.FunctionsHost.Worker;

/// <summary>One function as the worker indexed it: its id on the stream and its raw bindings.</summary>
public sealed record FunctionDescription(string Id, string Name, IReadOnlyList<JsonObject> Bindings)
{
    /// <summary>The function's trigger binding, the one with a type ending in "Trigger".</summary>
    public JsonObject? Trigger => Bindings.FirstOrDefault(b =>
        b["type"]?.ToString().EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true);

    public string? TriggerType => Trigger?["type"]?.ToString();

    public string TriggerName => Trigger?["name"]?.ToString() ?? "";

    public string? TriggerProperty(string name) =>
        Trigger?.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();
}
