import { rehearseDeployment } from '../support/rehearsal/rehearse.ts';

// The deployment made with `-c apiType=http`, behind the HTTP API: see test/support/rehearsal/rehearse.ts.
rehearseDeployment('http');
