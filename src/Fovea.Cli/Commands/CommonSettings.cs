using System.ComponentModel;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("Show stack traces on errors.")]
    public bool Verbose { get; set; }

    [CommandOption("--json")]
    [Description("Print machine-readable JSON instead of tables.")]
    public bool Json { get; set; }

    [CommandOption("--threads <N>")]
    [Description("Worker threads for the kernels (default: all cores).")]
    public int? Threads { get; set; }

    public void ApplyThreads()
    {
        if (Threads is int t)
        {
            if (t <= 0) throw new UsageException($"--threads must be positive, got {t}.");
            Fovea.Kernels.Parallelism.MaxThreads = t;
        }
    }
}
