using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>The job a kind starts once its own call succeeded: of which kind, with what input.</summary>
public sealed record JobFollowUp(JobKind Kind, JobInput Input);

/// <summary>
/// A job that starts another once its own call succeeded (a card reading starts the identity check of the name and
/// number it read), and ends when that one has, with the other's result in its output under the other kind's
/// <see cref="JobKind.AttachAs"/>. Each step is written before the next, and each may be taken again: the parent's
/// output and the follow-up's id are recorded first (the parent stays <c>Running</c>); then the follow-up is accepted
/// under that id; then the parent's message goes. A crash in between brings the parent's message back, and the
/// follow-up is accepted again (harmlessly) without a second call for the parent. When the follow-up's end is
/// written, the parent ends before the follow-up's message goes, so a crash there brings that message back too.
/// </summary>
public sealed class FollowUps(IServiceProvider services, JobKinds kinds, ShimingMetrics metrics, ILogger<FollowUps> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Resolved on use: the lines are built from services that use this one.
    private JobLines Lines => services.GetRequiredService<JobLines>();

    /// <summary>The follow-up's id: derived from the parent's, so that accepting it again after a crash finds the same job.</summary>
    public static string FollowUpId(string parentId, JobKind kind) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{parentId}/{kind.Name}")))[..32];

    /// <summary>Records the parent's output with its follow-up, accepts the follow-up, and lets the parent's message go.</summary>
    public async Task<JobOutcome> StartAsync(JobLine line, Job parent, string outputJson, JobFollowUp next, QueueMessage message, CancellationToken cancellationToken)
    {
        var recorded = await line.Records.TryUpdateAsync(
            parent with { OutputJson = outputJson, FollowUp = new JobRef(next.Kind.Name, FollowUpId(parent.Id, next.Kind)) }, cancellationToken);
        return recorded is null ? JobOutcome.Skipped : await HandOverAsync(line, recorded, next, message, cancellationToken);
    }

    /// <summary>
    /// A parent's message came back after its output and follow-up were recorded (a crash before the hand-over ended):
    /// the hand-over is done again, from what was recorded, with no second call for the parent.
    /// </summary>
    public async Task<JobOutcome> ResumeAsync(JobLine line, Job parent, QueueMessage message, CancellationToken cancellationToken)
    {
        if (parent.FollowUp is not { } followUp || kinds.Find(followUp.Kind) is not { } kind)
        {
            return JobOutcome.Skipped;
        }

        var child = await Lines[kind].Records.FindAsync(parent.AccountKey, followUp.Id, cancellationToken);
        if (child is not null && child.Status.IsTerminal())
        {
            await CompleteParentAsync(child, cancellationToken);
            await line.Transitions.HandOverAsync(parent, message, cancellationToken);
            return JobOutcome.Finished;
        }

        return line.Api.FollowUpOf(parent) is { } next
            ? await HandOverAsync(line, parent, next, message, cancellationToken)
            : JobOutcome.Skipped;
    }

    /// <summary>
    /// The follow-up <paramref name="child"/> has ended (its end is written): its parent takes the child's result into
    /// its output and ends too. Nothing happens when the parent is gone, over, or waits for another job.
    /// </summary>
    public async Task CompleteParentAsync(Job child, CancellationToken cancellationToken)
    {
        if (child.Parent is not { } parentRef || kinds.Find(parentRef.Kind) is not { } parentKind || child.Kind.AttachAs is not { } property)
        {
            return;
        }

        var attachment = JsonSerializer.SerializeToNode(Lines[child.Kind].Api.Attachment(child), Json);
        var records = Lines[parentKind].Records;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var parent = await records.FindAsync(child.AccountKey, parentRef.Id, cancellationToken);
            if (parent is null || parent.Status.IsTerminal() || parent.FollowUp?.Id != child.Id)
            {
                return;
            }

            var output = JsonNode.Parse(parent.OutputJson ?? "{}") as JsonObject ?? [];
            output[property] = attachment;
            if (await records.TryUpdateAsync(parent with { Status = RuntimeStatus.Completed, OutputJson = output.ToJsonString() }, cancellationToken) is not null)
            {
                Log.JobFinished(logger, parent.Id, RuntimeStatus.Completed, null);
                metrics.JobFinished(parentKind.Name, "completed");
                return;
            }
        }
    }

    /// <summary>The follow-up of a job terminated while it waited for it is terminated too, if it has not ended.</summary>
    public async Task TerminateFollowUpAsync(Job parent, CancellationToken cancellationToken)
    {
        if (parent.FollowUp is { } followUp && kinds.Find(followUp.Kind) is { } kind)
        {
            await Lines[kind].Transitions.TerminateAsync(parent.AccountKey, followUp.Id, cancellationToken);
        }
    }

    /// <summary>The follow-up of a job being purged goes with it (it holds what was read from the parent's input).</summary>
    public async Task PurgeFollowUpAsync(Job parent, CancellationToken cancellationToken)
    {
        if (parent.FollowUp is { } followUp && kinds.Find(followUp.Kind) is { } kind)
        {
            await Lines[kind].Purge.PurgeAsync(parent.AccountKey, followUp.Id, cancellationToken);
        }
    }

    private async Task<JobOutcome> HandOverAsync(JobLine line, Job parent, JobFollowUp next, QueueMessage message, CancellationToken cancellationToken)
    {
        var followUp = parent.FollowUp!.Value;
        await Lines[next.Kind].Acceptance.AcceptFollowUpAsync(
            parent.AccountKey, followUp.Id, next.Input, new JobRef(parent.Kind.Name, parent.Id), traceParent: null, cancellationToken);
        await line.Transitions.HandOverAsync(parent, message, cancellationToken);
        Log.FollowUpStarted(logger, parent.Id, followUp.Kind, followUp.Id);
        return JobOutcome.Finished;
    }
}
