using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shiming.Hosting;

/// <summary>
/// Writes the Functions script root that the host reads: one folder per function with its
/// <c>function.json</c>. Run at publish time as <c>Shiming.Functions --write-function-metadata DIR</c>.
/// </summary>
public static class FunctionMetadataWriter
{
    public const string Command = "--write-function-metadata";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Handles the metadata command when <paramref name="args"/> asks for it.</summary>
    public static bool TryRun(string[] args)
    {
        if (args is not [Command, var directory])
        {
            return false;
        }

        Write(directory, ShimingFunctions.All);
        return true;
    }

    public static void Write(string scriptRoot, IEnumerable<FunctionDefinition> functions)
    {
        foreach (var function in functions)
        {
            var folder = Path.Combine(scriptRoot, function.Name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "function.json"), ToFunctionJson(function).ToJsonString(Indented) + "\n");
        }
    }

    public static JsonObject ToFunctionJson(FunctionDefinition function) => function switch
    {
        HttpFunctionDefinition http => new JsonObject
        {
            ["bindings"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "httpTrigger",
                    ["direction"] = "in",
                    ["name"] = "req",
                    // Callers are identified by App Service Authentication, not by function keys.
                    ["authLevel"] = "anonymous",
                    ["methods"] = new JsonArray([.. http.Methods.Select(m => JsonValue.Create(m.ToLowerInvariant()))]),
                    ["route"] = http.Route,
                },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        },
        TimerFunctionDefinition timer => new JsonObject
        {
            ["bindings"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "timerTrigger",
                    ["direction"] = "in",
                    ["name"] = TimerInvocation.BindingName,
                    ["schedule"] = timer.Schedule,
                    ["runOnStartup"] = false,
                    ["useMonitor"] = false,
                }),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(function), function.GetType().Name, "Unknown kind of function."),
    };
}
