import { rehearseDeployment } from '../support/rehearsal/rehearse.ts';

// The default deployment, behind the REST API: see test/support/rehearsal/rehearse.ts.
rehearseDeployment('rest');
