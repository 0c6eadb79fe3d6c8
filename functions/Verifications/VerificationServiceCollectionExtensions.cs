using Microsoft.Extensions.Options;
using Shiming.Storage;

namespace Shiming.Verifications;

public static class VerificationServiceCollectionExtensions
{
    public static IServiceCollection AddVerifications(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>()
            .BindConfiguration(VerificationOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<VerificationOptions>, VerificationOptionsValidator>();
        services.AddSingleton<VerificationStorage>();
        services.AddSingleton<Backlog>();
        services.AddSingleton<Shiming.Telemetry.IBacklogReader>(sp => sp.GetRequiredService<Backlog>());
        services.AddSingleton<JobRecords>();
        services.AddSingleton<SubmissionClaims>();
        services.AddSingleton<JobAcceptance>();
        services.AddSingleton<PoisonQueue>();
        services.AddSingleton<IQueueDecodingFailureHandler>(sp => sp.GetRequiredService<PoisonQueue>());
        services.AddSingleton<JobTransitions>();
        services.AddSingleton<VerificationPurge>();
        services.AddSingleton<PacingMargin>();
        services.AddSingleton<BudgetLedger>();
        services.AddSingleton<IStartTimeSource>(sp => sp.GetRequiredService<BudgetLedger>());
        services.AddSingleton<CallSlots>();
        services.AddSingleton<QpsRefusalMonitor>();
        services.AddScoped<VerificationDrain>();
        services.AddScoped<VerificationRetention>();
        services.AddSingleton<VerificationServices>();
        return services;
    }
}
