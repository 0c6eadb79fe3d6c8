using Shiming.Jobs;

namespace Shiming.IdentityChecks;

/// <summary>
/// The authority's name-and-number check as a kind of job: <c>/api/identity-checks</c> for details typed in, and the
/// follow-up of every front side read while the check is on (<see cref="IdentityCheckOptions.Enabled"/>). Baidu's
/// <c>idmatch</c> (or <c>idmatch_date</c> with the card's validity dates) has a budget of its own.
/// </summary>
public static class IdentityCheckKind
{
    public static readonly JobKind Definition = new(
        "identity", "identity-checks", "IdentityCheck", "identity checks", BaiduApi: "idmatch", DefaultQpsLimit: 2,
        JobNotFound.For("identity check", "the details"))
    {
        AttachAs = "identityCheck",
    };

    public static IServiceCollection AddIdentityChecks(this IServiceCollection services)
    {
        services.AddOptions<IdentityCheckOptions>().BindConfiguration(IdentityCheckOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddJobKind<IdentityCheckJobApi>(Definition);
    }
}

/// <summary>Settings <c>IdentityCheck__*</c>.</summary>
public sealed class IdentityCheckOptions
{
    public const string Section = "IdentityCheck";

    /// <summary>Check every front side read (and allow patients only from matched identities); off, fronts complete with <c>skipped</c>.</summary>
    public bool Enabled { get; set; } = true;
}
