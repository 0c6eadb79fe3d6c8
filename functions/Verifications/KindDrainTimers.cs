using Microsoft.Azure.Functions.Worker;

namespace Shiming.Verifications;

/// <summary>
/// The drains of the kinds other than cards, one timer function each, every second like <c>DrainVerifications</c>.
/// One function per kind, rather than one drain taking every queue, keeps each kind's line independent: the host runs
/// one invocation of each function at a time, so a long run draining a burst of one kind never holds another kind's
/// drain back, and each can be disabled (<c>AzureWebJobs.{name}.Disabled</c>) on its own.
/// </summary>
public sealed class KindDrainTimers(JobLines lines, IServiceProvider scope)
{
    /// <summary>Every second: feed queued text recognitions to Baidu within the text budget.</summary>
    [Function(nameof(DrainTextRecognitions))]
    public Task DrainTextRecognitions([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        lines[JobKind.Text].CreateDrain(scope).RunAsync(cancellationToken);

    /// <summary>Every second: feed queued image moderations to Baidu within the moderation budget.</summary>
    [Function(nameof(DrainImageModerations))]
    public Task DrainImageModerations([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        lines[JobKind.Moderation].CreateDrain(scope).RunAsync(cancellationToken);
}
