using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Budget;
using Shiming.Storage;

namespace Shiming.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The job engine: every registered kind's line, the drains and the retention.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>()
            .BindConfiguration(JobOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();
        services.AddSingleton<IValidateOptions<BaiduOptions>, JobBudgetsValidator>();
        services.AddQpsBudgets();
        services.AddSingleton(sp => new JobKinds(sp.GetServices<JobKind>()));
        services.AddSingleton<JobLines>();
        services.AddSingleton<JobDrains>();
        services.AddSingleton<CallOutcomes>();
        services.AddSingleton<JobResults>();
        services.AddSingleton<FollowUps>();
        services.AddSingleton<TimedCalls>();
        services.AddScoped<JobRetention>();
        return services;
    }

    /// <summary>
    /// Registers a kind with the engine: its definition, and its Baidu API keyed by its name. A message on one of its
    /// queues that cannot even be decoded goes to its poison queue.
    /// </summary>
    public static IServiceCollection AddJobKind<TApi>(this IServiceCollection services, JobKind kind)
        where TApi : class, IJobApi
    {
        services.AddSingleton(kind);
        services.AddKeyedSingleton<IJobApi, TApi>(kind.Name);
        services.AddSingleton<IQueueDecodingFailureHandler>(sp => sp.GetRequiredService<JobLines>()[kind].Poison);
        return services;
    }
}
