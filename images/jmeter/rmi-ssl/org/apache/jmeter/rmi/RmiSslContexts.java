package org.apache.jmeter.rmi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * ATQ: one SSLContext per key material and JVM, for JMeter's RMI socket factories. JMeter 5.6 loads the
 * keystore and builds a new context for every connection and every listening socket, so no TLS session can
 * be resumed and each connection pays for a PKCS#12 decryption on top of its handshake. The key includes
 * each store file's size and modification time: a replaced keystore gets a new context.
 */
final class RmiSslContexts {
    private static final ConcurrentMap<List<Object>, SSLContext> CONTEXTS = new ConcurrentHashMap<>();

    private RmiSslContexts() {
    }

    /** The two stores are the key store and the trust store: location, type and password each. */
    static SSLContext get(String alias, String[] keyStore, String[] trustStore) throws IOException {
        if (alias == null) {
            throw new IOException("SSL certificate alias cannot be null; set server.rmi.ssl.keystore.alias");
        }
        List<Object> key = Arrays.asList(alias, Arrays.asList(keyStore), stamp(keyStore[0]),
                Arrays.asList(trustStore), stamp(trustStore[0]));
        SSLContext known = CONTEXTS.get(key);
        if (known != null) {
            return known;
        }
        SSLContext made = create(alias, keyStore, trustStore);
        SSLContext raced = CONTEXTS.putIfAbsent(key, made);
        return raced != null ? raced : made;
    }

    private static List<Long> stamp(String location) {
        if (location == null) {
            return null;
        }
        File file = new File(location);
        return Arrays.asList(file.length(), file.lastModified());
    }

    private static SSLContext create(String alias, String[] keyStore, String[] trustStore) throws IOException {
        char[] keyPassword = keyStore[2] == null ? null : keyStore[2].toCharArray();
        KeyStore keys = keyStore[0] == null ? null : load(keyStore[0], keyStore[1], keyPassword);
        KeyStore trusted = trustStore[0] == null ? keys
                : load(trustStore[0], trustStore[1], trustStore[2] == null ? null : trustStore[2].toCharArray());
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, keyPassword);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(AliasKeyManager.wrap(kmf.getKeyManagers(), alias), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static KeyStore load(String location, String type, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(Paths.get(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("Can't load " + location + " as type " + type, e);
        }
    }
}
