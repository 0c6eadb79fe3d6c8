namespace Shiming.Verifications;

/// <summary>
/// The kinds of work the job pipeline carries. Each has its own Baidu API, its own QPS budget and quota pause, its own
/// queue and its own line, so a burst of one kind never slows another; records, keys and images share their stores.
/// </summary>
public enum JobKind
{
    /// <summary>ID-card recognition (<c>idcard</c>): <c>/api/verifications</c>.</summary>
    Verification,

    /// <summary>General text recognition (<c>accurate_basic</c>, <c>general_basic</c>, <c>accurate</c>, <c>general</c>): <c>/api/text-recognitions</c>.</summary>
    Text,

    /// <summary>Image moderation (<c>img_censor/v2/user_defined</c>): <c>/api/image-moderations</c>.</summary>
    Moderation,
}

public static class JobKinds
{
    public static IReadOnlyList<JobKind> All { get; } = [JobKind.Verification, JobKind.Text, JobKind.Moderation];

    /// <summary>The kind's name in settings (<c>Baidu__Budgets__{name}__QpsLimit</c>) and in stored records.</summary>
    public static string ToWireName(this JobKind kind) => kind switch
    {
        JobKind.Text => "text",
        JobKind.Moderation => "moderation",
        _ => "verification",
    };

    public static bool TryParse(string? value, out JobKind kind)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>
    /// The kind's job queue: <c>Verifications__JobQueue</c> for cards (as before there were kinds), and
    /// <c>{JobQueue}-text</c> and <c>{JobQueue}-moderation</c> for the others; each has its <c>-poison</c> queue.
    /// </summary>
    public static string QueueName(this JobKind kind, string jobQueue) =>
        kind == JobKind.Verification ? jobQueue : $"{jobQueue}-{kind.ToWireName()}";

    /// <summary>The state table's partition holding the kind's line of waiting jobs.</summary>
    public static string BacklogPartition(this JobKind kind) =>
        kind == JobKind.Verification ? "backlog" : $"backlog-{kind.ToWireName()}";

    /// <summary>The budget row of the kind, in the state table's <c>budget</c> partition (cards keep their row, <c>idcard</c>).</summary>
    public static string BudgetRow(this JobKind kind) => kind == JobKind.Verification ? "idcard" : kind.ToWireName();

    /// <summary>Baidu's paid QPS for the kind's API, the budget when <c>Baidu__Budgets__{kind}__QpsLimit</c> is not set.</summary>
    public static int DefaultQpsLimit(this JobKind kind) => kind == JobKind.Moderation ? 50 : 10;

    /// <summary>The name the status answer gives the job, as Durable Functions names an orchestration.</summary>
    public static string OrchestrationName(this JobKind kind) => kind switch
    {
        JobKind.Text => "TextRecognition",
        JobKind.Moderation => "ImageModeration",
        _ => VerificationStatus.OrchestrationName,
    };
}
