using Shiming.Api;
using Shiming.Jobs;

namespace Shiming.ImageModerations;

/// <summary>Image moderation as a kind of job: <c>/api/image-moderations</c>, Baidu's <c>img_censor/v2/user_defined</c>.</summary>
public static class ImageModerationKind
{
    /// <summary>Baidu's moderation takes no picture under 128 pixels a side.</summary>
    public const int MinSide = 128;

    /// <summary>Baidu's moderation takes no image under 5 KB of Base64, which is 3,840 bytes of image.</summary>
    public const int MinImageBytes = 5 * 1024 * 3 / 4;

    public static readonly JobKind Definition = new(
        "moderation", "image-moderations", "ImageModeration", "image moderation", BaiduApi: "moderation", DefaultQpsLimit: 50,
        JobNotFound.For("image moderation", "the picture"));

    /// <summary>Baidu's lower bounds for moderation, checked before any call is spent.</summary>
    public static SubmissionCheck Check(Upload upload) =>
        upload.Header.Width < MinSide || upload.Header.Height < MinSide || upload.Image.ToMemory().Length < MinImageBytes
            ? new SubmissionCheck(null, Problems.ImageUnusable(
                $"The image is {upload.Header.Width}×{upload.Header.Height} pixels and {upload.Image.ToMemory().Length} bytes; moderation needs at least {MinSide} pixels on each side and {MinImageBytes} bytes. Send the picture at its original size."))
            : new SubmissionCheck(null);

    public static IServiceCollection AddImageModerations(this IServiceCollection services) =>
        services.AddJobKind<ModerationJobApi>(Definition);
}
