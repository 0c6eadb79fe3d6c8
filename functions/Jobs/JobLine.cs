using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Budget;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// One kind's line through the engine: its storage (queue, line of waiting jobs), its budget, its Baidu API, and the
/// services that accept, move and purge its jobs. Every kind has the same engine; only these instances differ, so a
/// burst of one kind fills its own queue and spends its own budget, never another kind's.
/// </summary>
public sealed class JobLine
{
    public JobLine(JobKind kind, IServiceProvider services)
    {
        Kind = kind;
        Storage = ActivatorUtilities.CreateInstance<JobStorage>(services, kind);
        Records = ActivatorUtilities.CreateInstance<JobRecords>(services, Storage);
        Backlog = ActivatorUtilities.CreateInstance<Backlog>(services, Storage);
        Claims = ActivatorUtilities.CreateInstance<SubmissionClaims>(services, Storage, Records);
        Acceptance = ActivatorUtilities.CreateInstance<JobAcceptance>(services, Storage, Claims, Records, Backlog);
        Poison = ActivatorUtilities.CreateInstance<PoisonQueue>(services, Storage);
        Transitions = ActivatorUtilities.CreateInstance<JobTransitions>(services, Storage, Records, Backlog, Poison);
        Purge = ActivatorUtilities.CreateInstance<JobPurge>(services, Storage, Records, Claims, Backlog);
        Api = services.GetRequiredKeyedService<IJobApi>(kind.Name);
        var baidu = services.GetRequiredService<IOptionsMonitor<BaiduOptions>>();
        Budget = new QpsBudget(
            new BudgetRow(Storage.State, kind.BaiduApi, Storage.EnsureCreatedAsync),
            () => baidu.CurrentValue.QpsLimitFor(kind),
            services.GetRequiredService<IOptionsMonitor<PacingOptions>>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>());
    }

    public JobKind Kind { get; }

    public JobStorage Storage { get; }

    public JobRecords Records { get; }

    public Backlog Backlog { get; }

    public SubmissionClaims Claims { get; }

    public JobAcceptance Acceptance { get; }

    public PoisonQueue Poison { get; }

    public JobTransitions Transitions { get; }

    public JobPurge Purge { get; }

    public QpsBudget Budget { get; }

    /// <summary>The kind's Baidu API (<see cref="IJobApi"/>, keyed by the kind's name).</summary>
    public IJobApi Api { get; }
}

/// <summary>Every kind's line, made once per process.</summary>
public sealed class JobLines
{
    private readonly Dictionary<string, JobLine> _lines;

    public JobLines(JobKinds kinds, IServiceProvider services, ShimingMetrics metrics, BaiduAccessTokenProvider tokens)
    {
        _lines = kinds.All.ToDictionary(kind => kind.Name, kind => new JobLine(kind, services), StringComparer.Ordinal);
        foreach (var line in _lines.Values)
        {
            metrics.ObserveKind(line.Kind.Name, () => line.Budget.QpsLimit, line.Backlog);
        }

        metrics.ObserveTokenRenewals(() => tokens.Renewals);
    }

    public JobLine this[JobKind kind] => _lines[kind.Name];

    /// <summary>The line of the kind named <paramref name="kind"/>; null when no such kind is registered.</summary>
    public JobLine? Find(string kind) => _lines.GetValueOrDefault(kind);

    public IEnumerable<JobLine> All => _lines.Values;
}
