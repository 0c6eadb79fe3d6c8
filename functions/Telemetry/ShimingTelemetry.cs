using System.Diagnostics;

namespace Shiming.Telemetry;

/// <summary>
/// Shiming's spans. A job's trace: the submit's span, whose context travels in the job message, and the drain's span
/// for its Baidu call, linked to it (the call belongs to the drain's run, not to the request that ended long before).
/// Spans carry job ids and outcome classes, never a recognised field or an image.
/// </summary>
public static class ShimingTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Shiming";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>The submit's span, current until disposed; null when no one listens (telemetry off).</summary>
    /// <param name="variantName">What the kind calls its variant (<c>side</c> for cards): the span carries <c>shiming.job.{variantName}</c>.</param>
    public static Activity? StartSubmit(string jobId, string kind, string variantName, string? variant) =>
        Source.StartActivity($"submit {kind}", ActivityKind.Internal, parentContext: default, tags:
            variant is null
                ? [new("shiming.job.id", jobId), new("shiming.job.kind", kind)]
                : [new("shiming.job.id", jobId), new("shiming.job.kind", kind), new($"shiming.job.{variantName}", variant)]);

    /// <summary>The W3C <c>traceparent</c> of a recorded span, for the job message; null when there is none.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Recorded: true } ? activity.Id : null;

    /// <summary>A link to the span a <c>traceparent</c> names; none when it is missing or not one.</summary>
    internal static ActivityLink[] LinksTo(string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? [new ActivityLink(context)] : [];
}
