using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Shiming.Jobs;

/// <summary>Settings <c>Verifications__*</c> (named after the first kind): where jobs are kept and how hard the drain tries.</summary>
public sealed class JobOptions
{
    public const string Section = "Verifications";

    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Verifications__ImageContainer must be a valid blob container name.")]
    public string ImageContainer { get; set; } = "verification-images";

    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Verifications__JobQueue must be a valid queue name.")]
    public string JobQueue { get; set; } = "verification-jobs";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Verifications__JobTable must be a valid table name.")]
    public string JobTable { get; set; } = "VerificationJobs";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Verifications__KeyTable must be a valid table name.")]
    public string KeyTable { get; set; } = "VerificationKeys";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Verifications__StateTable must be a valid table name.")]
    public string StateTable { get; set; } = "VerificationState";

    /// <summary>
    /// How long one drain run keeps taking jobs while a backlog remains, before it returns and lets the next
    /// timer tick continue; well inside the Functions timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:09:00")]
    public TimeSpan DrainDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Jobs one account may have waiting or running at once, so no account can take the whole budget.</summary>
    [Range(1, 10_000)]
    public int MaxLiveJobsPerAccount { get; set; } = 20;

    /// <summary>How long a job's record and result are kept after its last change before the daily purge removes them.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Attempts at Baidu for one job (transport faults and transient errors) before it fails.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a taken job stays invisible to other drains, renewed every third of it while the drain works on the job;
    /// a job whose drain died comes back within it. About as long as a dead instance holds the drains' timer lock, so
    /// a crash costs its jobs in flight no more than the drains' own pause; long enough that a renewal missed to a
    /// storage blip leaves another before it runs out (see docs/pacing.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")]
    public TimeSpan ProcessingLease { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// Validates <see cref="JobOptions"/> with code generated at build time. Reflection-based validation shares one
/// <see cref="RangeAttribute"/> per property, and its TimeSpan conversion is not thread-safe (dotnet/runtime#1143):
/// apps starting side by side in one process could fail with an InvalidCastException.
/// </summary>
[OptionsValidator]
public sealed partial class JobOptionsValidator : IValidateOptions<JobOptions>;
