// The nemesis's own errors: a wrong command line, and a run that could not
// get its cluster into the state it measures from.

/** The command line is wrong; the message says what to write instead. */
export class NemesisUsage extends Error {
  override name = 'NemesisUsage';
}

/** The test cluster never reached a state the run needs (the service up, the agents settled). */
export class NemesisSetupFailed extends Error {
  override name = 'NemesisSetupFailed';
}

/** The run was asked to stop (SIGINT, SIGTERM): everything is being removed. */
export class NemesisAborted extends Error {
  override name = 'NemesisAborted';
  constructor() {
    super('the nemesis was interrupted');
  }
}
