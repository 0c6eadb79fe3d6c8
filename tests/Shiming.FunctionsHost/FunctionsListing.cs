using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost;

/// <summary>The function list printed at start, in the layout of the Functions host's own.</summary>
internal static class FunctionsListing
{
    public static string Describe(FunctionDescription function, Uri baseAddress, string routePrefix, bool disabled = false)
    {
        if (disabled)
        {
            return $"{function.Name}: {function.TriggerType} (disabled)";
        }

        if (!string.Equals(function.TriggerType, "httpTrigger", StringComparison.OrdinalIgnoreCase))
        {
            return $"{function.Name}: {function.TriggerType}";
        }

        var methods = function.Trigger?["methods"]?.AsArray().Select(m => m!.ToString().ToUpperInvariant()).ToArray() ?? [];
        var route = string.Join('/', new[] { routePrefix, (function.TriggerProperty("route") ?? function.Name).Trim('/') }.Where(s => s.Length > 0));
        return $"{function.Name}: [{string.Join(',', methods)}] {baseAddress}{route}";
    }
}
