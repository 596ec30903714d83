// UNFINISHED: the SFTP endpoint (issue 5) is not built yet, so there is nothing to measure.
export async function runSftpBench(): Promise<void> {
  console.log('SFTP bench: not measured — the local SFTP endpoint (issue 5) is not implemented yet.');
}
