import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { PATHS } from './ports.js';

export interface RmiKeystore {
  /** PKCS#12 holding one key pair under alias "rmi": keystore and truststore on every JMeter node. */
  keystore: Buffer;
  /** JMeter properties pointing at it; shipped as a secret so the password is not in the service spec. */
  properties: string;
}

/**
 * A fresh self-signed key pair per run, as JMeter's create-rmi-keystore.sh makes by hand. Generated here
 * (no keytool on the user's machine needed) and shipped as Swarm secrets to the same path everywhere.
 */
export function createRmiKeystore(runId: string): RmiKeystore {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: `atq-rmi-${runId}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(keys.privateKey, forge.md.sha256.create());

  const password = randomBytes(18).toString('base64url');
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], password, {
    friendlyName: 'rmi',
    algorithm: '3des',
  });
  const keystore = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  const properties = [
    `server.rmi.ssl.keystore.type=PKCS12`,
    `server.rmi.ssl.keystore.file=${PATHS.rmiKeystore}`,
    `server.rmi.ssl.keystore.password=${password}`,
    `server.rmi.ssl.keystore.alias=rmi`,
    `server.rmi.ssl.truststore.type=PKCS12`,
    `server.rmi.ssl.truststore.file=${PATHS.rmiKeystore}`,
    `server.rmi.ssl.truststore.password=${password}`,
    '',
  ].join('\n');
  return { keystore, properties };
}
