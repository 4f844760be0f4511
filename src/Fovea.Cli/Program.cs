return Fovea.Cli.FoveaApp.Run(args);
