using Microsoft.AspNetCore.Http.HttpResults;
using Shiming.Api;
using Shiming.Baidu;
using Shiming.Jobs;

namespace Shiming.IdCards;

/// <summary>ID-card recognition as a kind of job: <c>/api/verifications</c>, Baidu's <c>idcard</c>, a side per card.</summary>
public static class IdCardKind
{
    /// <summary>Cards were the first kind: their queue, line and records keep the names they had before there were kinds.</summary>
    public static readonly JobKind Definition = new(
        "verification", "verifications", "IdCardVerification", "ID-card recognition", BaiduApi: "idcard", DefaultQpsLimit: 10,
        JobNotFound.For("verification", "the card"))
    {
        VariantName = "side",
        HoldsUnmarkedRecords = true,
    };

    /// <summary>The card's side: a multipart field <c>side</c>, or <c>?side=</c> with a raw body; <c>front</c> when absent.</summary>
    public static readonly UploadField SideField = new("side", value => IdCardSides.TryParse(value, out _), UnknownSide);

    /// <summary>A card upload's variant is its side, by its wire name.</summary>
    public static SubmissionCheck Check(Upload upload) =>
        new(IdCardSides.TryParse(upload.Field, out var side) ? side.ToWireName() : IdCardSide.Front.ToWireName());

    public static IServiceCollection AddIdCards(this IServiceCollection services) =>
        services.AddJobKind<IdCardJobApi>(Definition);

    private static ProblemHttpResult UnknownSide() => Problems.BadRequest("unknown_side", "Unknown card side.",
        "Set side to \"front\" (the side with the portrait) or \"back\" (the side with the national emblem).");
}
