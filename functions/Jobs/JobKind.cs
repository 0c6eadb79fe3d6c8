namespace Shiming.Jobs;

/// <summary>
/// A kind of work the job engine carries, as the kind registers itself (<see cref="JobsServiceCollectionExtensions.AddJobKind{TApi}"/>):
/// its names, its Baidu API (<see cref="IJobApi"/>, keyed by <see cref="Name"/>) and its default budget. Each kind has
/// its own queue, line, budget and quota pause, so a burst of one kind never slows another; records, keys and images
/// share their stores.
/// </summary>
/// <param name="Name">The kind's name in settings (<c>Baidu__Budgets__{name}__QpsLimit</c>), records, telemetry and logs.</param>
/// <param name="Route">The HTTP routes' stem: <c>/api/{route}</c>, <c>/api/{route}/{id}</c>, …</param>
/// <param name="OrchestrationName">The name the status answer gives the job, as Durable Functions names an orchestration.</param>
/// <param name="Description">What the kind's API does, for the reasons a waiting client is told (<c>ID-card recognition</c>).</param>
/// <param name="BaiduApi">The Baidu API's name: its budget row in the state table, and the <c>api</c> of its calls in telemetry.</param>
/// <param name="DefaultQpsLimit">Baidu's QPS for the API, the budget when <c>Baidu__Budgets__{name}__QpsLimit</c> is not set.</param>
/// <param name="NotFound">The problem a status, terminate or purge of an unknown id answers.</param>
public sealed record JobKind(
    string Name, string Route, string OrchestrationName, string Description, string BaiduApi, int DefaultQpsLimit, JobNotFound NotFound)
{
    /// <summary>
    /// For a kind that follows another (<see cref="FollowUps"/>): the property of the parent's output that holds this
    /// kind's result, and the parent's <c>customStatus.stage</c> while it waits for it (<c>identityCheck</c>).
    /// </summary>
    public string? AttachAs { get; init; }

    /// <summary>What a job's variant means (<c>side</c> for cards), as logs and the acceptance counter name it.</summary>
    public string VariantName { get; init; } = "variant";

    /// <summary>
    /// The kind whose stored names are the ones the app had before there were kinds: its queue is
    /// <c>Verifications__JobQueue</c> itself, its line the <c>backlog</c> partition, its records carry no <c>Kind</c>
    /// and its claims no kind prefix. Existing data is read as it was written; exactly one kind may say so.
    /// </summary>
    public bool HoldsUnmarkedRecords { get; init; }

    /// <summary>The kind's job queue; each has its <c>-returned</c> and <c>-poison</c> queue.</summary>
    public string QueueName(string jobQueue) => HoldsUnmarkedRecords ? jobQueue : $"{jobQueue}-{Name}";

    /// <summary>The state table's partition holding the kind's line of waiting jobs.</summary>
    public string BacklogPartition => HoldsUnmarkedRecords ? "backlog" : $"backlog-{Name}";

    /// <summary>What the kind's idempotency rows begin with after <c>k-</c> or <c>i-</c>.</summary>
    public string ClaimPrefix => HoldsUnmarkedRecords ? "" : $"{Name}-";

    public override string ToString() => Name;
}

/// <summary>The 404 problem of a kind: its stable <c>type</c>, title and advice.</summary>
public sealed record JobNotFound(string Code, string Title, string Detail)
{
    /// <summary>The problem for a kind whose jobs are called <paramref name="job"/> (<c>text recognition</c>) and made from <paramref name="input"/> (<c>the picture</c>).</summary>
    public static JobNotFound For(string job, string input) => new(
        $"{job.Replace(' ', '_')}_not_found",
        $"No such {job}.",
        $"There is no {job} with this id for your account. It may have been purged; submit {input} again.");
}
